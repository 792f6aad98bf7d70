//! Conversion of Smithy `@documentation` values into rustdoc Markdown.
//!
//! Documentation in AWS models is an HTML fragment (`<p>`, `<code>`, `<a>`, lists, `<note>`, ...);
//! the Smithy specification also allows CommonMark. [`to_markdown`] turns either into Markdown
//! lines that rustdoc renders without warnings: text is escaped where it would otherwise be read
//! as Markdown syntax, an intra-doc link, an HTML tag, a bare URL or an indented code block.
//!
//! The HTML side is a small, tolerant scanner and tree builder (unclosed and mismatched tags are
//! repaired the way a browser roughly would); the tree is turned into blocks and inline tokens,
//! which are then laid out as Markdown.

use std::collections::HashSet;

/// Turns a Smithy `@documentation` value (HTML fragment or plain CommonMark) into Markdown lines for rustdoc.
///
/// Returns one `String` per output line, without the leading `///` and without a leading space;
/// an empty `Vec` for blank input.
pub fn to_markdown(doc: &str) -> Vec<String> {
    let doc = doc.replace("\r\n", "\n").replace('\r', "\n");
    if doc.trim().is_empty() {
        return Vec::new();
    }
    // HTML if it has a known tag outside of Markdown code spans (`<p>` quoted in CommonMark).
    let is_html = tokenize(&without_code_spans(&doc)).iter().any(|t| match t {
        HtmlToken::Start { name, .. } | HtmlToken::End { name } => is_known_tag(name),
        HtmlToken::Text(_) => false,
    });
    let lines = if is_html {
        let root = build_tree(tokenize(&doc));
        let mut blocks = Vec::new();
        blocks_of(&root.children, &mut blocks);
        render_blocks(&blocks, false)
    } else {
        markdown_passthrough(&doc)
    };
    tidy(lines)
}

/// `doc` with the contents of backtick code spans removed.
fn without_code_spans(doc: &str) -> String {
    let chars: Vec<char> = doc.chars().collect();
    let mut out = String::with_capacity(doc.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            if let Some(end) = find_backtick_close(&chars, i + run, run) {
                i = end;
                continue;
            }
            i += run;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Trims trailing whitespace, collapses runs of blank lines and drops leading/trailing blanks.
fn tidy(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        // Only ASCII whitespace: a line holding a no-break space is not blank in Markdown.
        let line = line.trim_end_matches([' ', '\t']).to_string();
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// HTML scanning
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum HtmlToken {
    /// Text with entities already decoded.
    Text(String),
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
        /// The tag as written (entities decoded), used when an unknown tag is kept as text.
        raw: String,
    },
    End {
        name: String,
    },
}

fn tokenize(s: &str) -> Vec<HtmlToken> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < s.len() {
        if s.as_bytes()[i] == b'<' {
            if let Some((token, end)) = scan_markup(s, i) {
                if !text.is_empty() {
                    out.push(HtmlToken::Text(decode_entities(&text)));
                    text.clear();
                }
                out.extend(token);
                i = end;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        text.push(ch);
        i += ch.len_utf8();
    }
    if !text.is_empty() {
        out.push(HtmlToken::Text(decode_entities(&text)));
    }
    out
}

/// Scans the markup starting at `s[i] == '<'`. Returns the token (none for comments and
/// declarations) and the index just past it, or `None` when the `<` is plain text.
fn scan_markup(s: &str, i: usize) -> Option<(Option<HtmlToken>, usize)> {
    let rest = &s[i..];
    let b = s.as_bytes();
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->").map_or(s.len(), |p| i + 4 + p + 3);
        return Some((None, end));
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        return rest.find('>').map(|p| (None, i + p + 1));
    }
    let closing = rest.starts_with("</");
    let name_start = if closing { i + 2 } else { i + 1 };
    if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut j = name_start;
    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name = s[name_start..j].to_ascii_lowercase();
    if closing {
        let end = s[j..].find('>')? + j + 1;
        return Some((Some(HtmlToken::End { name }), end));
    }
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        match b.get(j) {
            None => return None,
            Some(b'>') => {
                j += 1;
                break;
            }
            Some(b'/') => {
                self_closing = b.get(j + 1) == Some(&b'>');
                j += 1;
                continue;
            }
            Some(_) => {}
        }
        let attr_start = j;
        while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
            j += 1;
        }
        if j == attr_start {
            // A stray `=`: skip it.
            j += 1;
            continue;
        }
        let attr_name = s[attr_start..j].to_ascii_lowercase();
        let mut k = j;
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        let mut value = String::new();
        if b.get(k) == Some(&b'=') {
            k += 1;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            match b.get(k) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let close = s[k + 1..].find(q as char)? + k + 1;
                    value = decode_entities(&s[k + 1..close]);
                    k = close + 1;
                }
                Some(_) => {
                    let start = k;
                    while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'>' {
                        k += 1;
                    }
                    value = decode_entities(&s[start..k]);
                }
                None => return None,
            }
            j = k;
        }
        attrs.push((attr_name, value));
    }
    let raw = decode_entities(&s[i..j]);
    Some((Some(HtmlToken::Start { name, attrs, self_closing, raw }), j))
}

const NAMED_ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("lsaquo", "‹"),
    ("rsaquo", "›"),
    ("bull", "•"),
    ("middot", "·"),
    ("times", "×"),
    ("divide", "÷"),
    ("deg", "°"),
    ("plusmn", "±"),
    ("para", "¶"),
    ("sect", "§"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("cent", "¢"),
    ("shy", "\u{ad}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("thinsp", "\u{2009}"),
    ("zwsp", "\u{200b}"),
    ("zwnj", "\u{200c}"),
    ("zwj", "\u{200d}"),
    ("iexcl", "¡"),
    ("iquest", "¿"),
    ("micro", "µ"),
    ("not", "¬"),
    ("sup1", "¹"),
    ("sup2", "²"),
    ("sup3", "³"),
    ("frac14", "¼"),
    ("frac12", "½"),
    ("frac34", "¾"),
    ("larr", "←"),
    ("rarr", "→"),
    ("uarr", "↑"),
    ("darr", "↓"),
    ("harr", "↔"),
    ("le", "≤"),
    ("ge", "≥"),
    ("ne", "≠"),
    ("asymp", "≈"),
    ("infin", "∞"),
    ("minus", "−"),
    ("prime", "′"),
    ("dagger", "†"),
    ("permil", "‰"),
    ("tilde", "˜"),
    ("circ", "ˆ"),
    ("aacute", "á"),
    ("agrave", "à"),
    ("auml", "ä"),
    ("ccedil", "ç"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("iacute", "í"),
    ("ntilde", "ñ"),
    ("oacute", "ó"),
    ("ouml", "ö"),
    ("szlig", "ß"),
    ("uacute", "ú"),
    ("uuml", "ü"),
];

/// Entities that browsers also recognize without the trailing `;`.
const LEGACY_ENTITIES: &[&str] = &["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match decode_entity(rest) {
            Some((text, len)) => {
                out.push_str(&text);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the entity at the start of `s` (which starts with `&`): its text and length.
fn decode_entity(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let mut end = start;
        while end < b.len() && (if hex { b[end].is_ascii_hexdigit() } else { b[end].is_ascii_digit() }) {
            end += 1;
        }
        if end == start {
            return None;
        }
        let value = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).ok();
        let ch = value.filter(|&v| v != 0).and_then(char::from_u32).unwrap_or('\u{fffd}');
        let len = if b.get(end) == Some(&b';') { end + 1 } else { end };
        return Some((ch.to_string(), len));
    }
    let mut end = 1;
    while end < b.len() && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let name = &s[1..end];
    let (_, text) = NAMED_ENTITIES.iter().find(|(n, _)| *n == name)?;
    if b.get(end) == Some(&b';') {
        Some((text.to_string(), end + 1))
    } else if LEGACY_ENTITIES.contains(&name) && b.get(end) != Some(&b'=') {
        Some((text.to_string(), end))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Tree building
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Elem(Elem),
}

#[derive(Debug, Clone)]
struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Elem {
    fn new(name: &str, attrs: Vec<(String, String)>) -> Self {
        Elem { name: name.to_string(), attrs, children: Vec::new() }
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Node::Text(prev)) = self.children.last_mut() {
            prev.push_str(text);
        } else {
            self.children.push(Node::Text(text.to_string()));
        }
    }
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "important",
    "li",
    "main",
    "nav",
    "note",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "td", "th", "time",
    "tt", "u", "var", "wbr",
];

/// Elements dropped together with their content.
const DROPPED_TAGS: &[&str] = &["fullname", "head", "script", "style", "title", "template"];

const VOID_TAGS: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Start tags that implicitly close an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Elements that bound the search for an open element to close implicitly.
const SCOPE_BOUNDARIES: &[&str] = &["blockquote", "caption", "important", "note", "table", "td", "th"];

fn is_known_tag(name: &str) -> bool {
    BLOCK_TAGS.contains(&name)
        || INLINE_TAGS.contains(&name)
        || DROPPED_TAGS.contains(&name)
        || VOID_TAGS.contains(&name)
        || name == "colgroup"
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

struct TreeBuilder {
    stack: Vec<Elem>,
}

impl TreeBuilder {
    fn pop(&mut self) {
        if self.stack.len() > 1 {
            let elem = self.stack.pop().expect("stack has a root");
            self.top().children.push(Node::Elem(elem));
        }
    }

    fn top(&mut self) -> &mut Elem {
        self.stack.last_mut().expect("stack has a root")
    }

    /// Pops elements until the stack has `len` entries.
    fn pop_to(&mut self, len: usize) {
        while self.stack.len() > len.max(1) {
            self.pop();
        }
    }

    /// Index of the top-most open element named one of `names`, searching down to (not past)
    /// an element named one of `stop` or [`SCOPE_BOUNDARIES`].
    fn find_in_scope(&self, names: &[&str], stop: &[&str]) -> Option<usize> {
        for (idx, elem) in self.stack.iter().enumerate().skip(1).rev() {
            if names.contains(&elem.name.as_str()) {
                return Some(idx);
            }
            if stop.contains(&elem.name.as_str()) || SCOPE_BOUNDARIES.contains(&elem.name.as_str()) {
                return None;
            }
        }
        None
    }

    fn close_p(&mut self) {
        if let Some(idx) = self.find_in_scope(&["p"], &["li", "dd", "dt", "ul", "ol", "dl"]) {
            self.pop_to(idx);
        }
    }

    fn start(&mut self, name: &str, attrs: Vec<(String, String)>, self_closing: bool) {
        if CLOSES_P.contains(&name) {
            self.close_p();
        }
        match name {
            "li" => {
                if let Some(idx) = self.find_in_scope(&["li"], &["ul", "ol", "dl"]) {
                    self.pop_to(idx);
                }
                if self.find_in_scope(&["ul", "ol"], &["li", "dd", "dt", "dl"]).is_none() {
                    self.stack.push(Elem::new("ul", Vec::new()));
                }
            }
            "dt" | "dd" => {
                if let Some(idx) = self.find_in_scope(&["dt", "dd"], &["dl", "ul", "ol"]) {
                    self.pop_to(idx);
                }
            }
            _ if is_heading(name) && is_heading(&self.top().name) => self.pop(),
            _ => {}
        }
        let elem = Elem::new(name, attrs);
        if self_closing || VOID_TAGS.contains(&name) {
            self.top().children.push(Node::Elem(elem));
        } else {
            self.stack.push(elem);
        }
    }

    fn end(&mut self, name: &str) {
        let found = self.stack.iter().enumerate().skip(1).rev().find(|(_, e)| e.name == name).map(|(idx, _)| idx);
        if let Some(idx) = found {
            self.pop_to(idx);
        }
    }
}

fn build_tree(tokens: Vec<HtmlToken>) -> Elem {
    let closed: HashSet<String> = tokens
        .iter()
        .filter_map(|t| match t {
            HtmlToken::End { name } => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut builder = TreeBuilder { stack: vec![Elem::new("#root", Vec::new())] };
    for token in tokens {
        match token {
            HtmlToken::Text(text) => builder.top().push_text(&text),
            HtmlToken::Start { name, attrs, self_closing, raw } => {
                if is_known_tag(&name) {
                    builder.start(&name, attrs, self_closing);
                } else if closed.contains(&name) && !self_closing {
                    // An unknown element that is closed somewhere: drop the tags, keep the text.
                    builder.stack.push(Elem::new(&name, attrs));
                } else {
                    // Something like `<bucket-name>` meant literally.
                    builder.top().push_text(&raw);
                }
            }
            HtmlToken::End { name } => builder.end(&name),
        }
    }
    builder.pop_to(1);
    builder.stack.pop().expect("stack has a root")
}

// ---------------------------------------------------------------------------------------------
// Tree to blocks and inline tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Block {
    Para(Vec<Tok>),
    Heading(usize, Vec<Tok>),
    List { ordered: bool, start: u64, items: Vec<Vec<Block>> },
    Quote(Option<&'static str>, Vec<Block>),
    Code(String),
    Rule,
}

#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Bold,
    Italic,
    /// A link with its (already sanitized) destination.
    Link(String),
}

impl Mark {
    fn same_kind(&self, other: &Mark) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

#[derive(Debug, Clone)]
enum Tok {
    /// Literal text (whitespace not yet collapsed).
    Text(String),
    /// Ready-made Markdown that is visible content (an autolink).
    Atom(String),
    /// The content of a code span (whitespace-collapsed, not empty).
    Code(String),
    Open(Mark),
    Close(Mark),
    Break,
}

fn is_block_elem(e: &Elem) -> bool {
    BLOCK_TAGS.contains(&e.name.as_str())
}

fn is_dropped(e: &Elem) -> bool {
    DROPPED_TAGS.contains(&e.name.as_str())
}

fn contains_block(e: &Elem) -> bool {
    e.children.iter().any(|n| match n {
        Node::Elem(c) => !is_dropped(c) && (is_block_elem(c) || contains_block(c)),
        Node::Text(_) => false,
    })
}

fn has_visible(toks: &[Tok]) -> bool {
    toks.iter().any(|t| match t {
        Tok::Text(s) => s.chars().any(|c| !c.is_whitespace()),
        Tok::Atom(_) | Tok::Code(_) => true,
        _ => false,
    })
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

fn blocks_of(nodes: &[Node], out: &mut Vec<Block>) {
    let mut inline: Vec<&Node> = Vec::new();
    for node in nodes {
        match node {
            Node::Text(_) => inline.push(node),
            Node::Elem(e) if is_dropped(e) => {}
            Node::Elem(e) if is_block_elem(e) => {
                flush_inline(&mut inline, out);
                block_of(e, out);
            }
            Node::Elem(e) if contains_block(e) => {
                flush_inline(&mut inline, out);
                blocks_of(&e.children, out);
            }
            Node::Elem(_) => inline.push(node),
        }
    }
    flush_inline(&mut inline, out);
}

fn flush_inline(inline: &mut Vec<&Node>, out: &mut Vec<Block>) {
    let mut toks = Vec::new();
    inline_tokens(inline, &mut InlineCtx::default(), &mut toks);
    inline.clear();
    if has_visible(&toks) {
        out.push(Block::Para(toks));
    }
}

fn block_of(e: &Elem, out: &mut Vec<Block>) {
    match e.name.as_str() {
        "ul" | "ol" => {
            let items = list_items(e);
            if !items.is_empty() {
                let start = e.attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
                out.push(Block::List { ordered: e.name == "ol", start, items });
            }
        }
        "li" => {
            let mut item = Vec::new();
            blocks_of(&e.children, &mut item);
            if !item.is_empty() {
                out.push(Block::List { ordered: false, start: 1, items: vec![item] });
            }
        }
        "dl" => {
            let items = definition_items(e);
            if !items.is_empty() {
                out.push(Block::List { ordered: false, start: 1, items });
            }
        }
        "dt" => {
            if let Some(term) = definition_term(e) {
                out.push(term);
            }
        }
        "pre" => {
            let mut text = String::new();
            text_content(&e.children, &mut text);
            let code = code_block_text(&text);
            if !code.is_empty() {
                out.push(Block::Code(code));
            }
        }
        "note" | "important" | "blockquote" => {
            let mut inner = Vec::new();
            blocks_of(&e.children, &mut inner);
            let label = match e.name.as_str() {
                "note" => Some("Note:"),
                "important" => Some("Important:"),
                _ => None,
            };
            if !inner.is_empty() {
                out.push(Block::Quote(label, inner));
            }
        }
        "hr" => out.push(Block::Rule),
        name if is_heading(name) => {
            let level = usize::from(name.as_bytes()[1] - b'0');
            let mut toks = Vec::new();
            let children: Vec<&Node> = e.children.iter().collect();
            inline_tokens(&children, &mut InlineCtx::default(), &mut toks);
            let toks = toks
                .into_iter()
                .map(|t| match t {
                    Tok::Break => Tok::Text(" ".into()),
                    t => t,
                })
                .collect::<Vec<_>>();
            if has_visible(&toks) {
                out.push(Block::Heading(level, toks));
            }
        }
        _ => blocks_of(&e.children, out),
    }
}

fn list_items(e: &Elem) -> Vec<Vec<Block>> {
    let mut items: Vec<Vec<Block>> = Vec::new();
    for child in &e.children {
        match child {
            Node::Elem(li) if li.name == "li" => {
                let mut item = Vec::new();
                blocks_of(&li.children, &mut item);
                items.push(item);
            }
            Node::Text(t) if t.chars().all(is_html_space) => {}
            other => {
                // Content directly inside the list (often a nested list): attach it to the
                // previous item.
                let mut blocks = Vec::new();
                blocks_of(std::slice::from_ref(other), &mut blocks);
                match items.last_mut() {
                    Some(last) => last.extend(blocks),
                    None => items.push(blocks),
                }
            }
        }
    }
    items.retain(|i| !i.is_empty());
    items
}

fn definition_term(dt: &Elem) -> Option<Block> {
    let children: Vec<&Node> = dt.children.iter().collect();
    let mut toks = Vec::new();
    inline_tokens(&children, &mut InlineCtx { bold: true, ..InlineCtx::default() }, &mut toks);
    if !has_visible(&toks) {
        return None;
    }
    let mut all = vec![Tok::Open(Mark::Bold)];
    all.extend(toks.into_iter().map(|t| match t {
        Tok::Break => Tok::Text(" ".into()),
        t => t,
    }));
    all.push(Tok::Close(Mark::Bold));
    Some(Block::Para(all))
}

/// A `<dl>` becomes a bullet list: one item per term, holding the term in bold followed by the
/// descriptions.
fn definition_items(e: &Elem) -> Vec<Vec<Block>> {
    let mut items: Vec<Vec<Block>> = Vec::new();
    // Whether the last item may still receive descriptions.
    let mut open = false;
    for child in &e.children {
        match child {
            Node::Elem(dt) if dt.name == "dt" => {
                if let Some(term) = definition_term(dt) {
                    items.push(vec![term]);
                    open = true;
                }
            }
            Node::Text(t) if t.chars().all(is_html_space) => {}
            other => {
                let mut blocks = Vec::new();
                match other {
                    Node::Elem(dd) if dd.name == "dd" => blocks_of(&dd.children, &mut blocks),
                    _ => blocks_of(std::slice::from_ref(other), &mut blocks),
                }
                match items.last_mut() {
                    Some(last) if open => last.extend(blocks),
                    _ => {
                        items.push(blocks);
                        open = true;
                    }
                }
            }
        }
    }
    items.retain(|i| !i.is_empty());
    items
}

/// Text of the nodes with tags removed; `<br>` becomes a newline.
fn text_content(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Elem(e) if e.name == "br" => out.push('\n'),
            Node::Elem(e) if is_dropped(e) => {}
            Node::Elem(e) => text_content(&e.children, out),
        }
    }
}

/// Text of the nodes with HTML whitespace collapsed and trimmed.
fn collapsed_text(nodes: &[Node]) -> String {
    let mut text = String::new();
    text_content(nodes, &mut text);
    collapse_ws(&text)
}

fn collapse_ws(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(is_html_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Prepares `<pre>` text: drops the newline after `<pre>`, trailing whitespace, surrounding
/// blank lines and common indentation.
fn code_block_text(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    lines.iter().map(|l| if l.is_empty() { "" } else { &l[indent..] }).collect::<Vec<_>>().join("\n")
}

/// A Markdown code span for `code` (whitespace-collapsed, not empty).
fn code_span(code: &str) -> String {
    let mut runs = HashSet::new();
    let mut run = 0;
    for c in code.chars().chain(std::iter::once(' ')) {
        if c == '`' {
            run += 1;
        } else if run > 0 {
            runs.insert(run);
            run = 0;
        }
    }
    let fence_len = (1..).find(|n| !runs.contains(n)).unwrap_or(1);
    let fence = "`".repeat(fence_len);
    let pad = if code.starts_with('`') || code.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{code}{pad}{fence}")
}

fn is_absolute_url(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://"))
        && s.len() > "https://".len()
        && !s.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
}

/// Makes `href` usable as a Markdown link destination that rustdoc does not mistake for an
/// intra-doc link. `None` if there is no usable destination.
fn link_destination(href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let mut dest = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            ' ' => dest.push_str("%20"),
            '<' => dest.push_str("%3C"),
            '>' => dest.push_str("%3E"),
            '\\' => dest.push_str("%5C"),
            '(' => dest.push_str("\\("),
            ')' => dest.push_str("\\)"),
            c if c.is_whitespace() || c.is_control() => {}
            c => dest.push(c),
        }
    }
    // rustdoc resolves destinations that look like Rust paths as intra-doc links.
    let path = href.split('#').next().unwrap_or("");
    let path_like = !path.is_empty() && path.chars().all(|c| c.is_alphanumeric() || ":_<>, !*&;@()".contains(c));
    if path_like {
        if !path.contains(':') {
            dest.insert_str(0, "./");
        } else if dest.contains('@') {
            dest = dest.replace('@', "%40");
        } else {
            return None;
        }
    }
    Some(dest)
}

#[derive(Debug, Default, Clone, Copy)]
struct InlineCtx {
    bold: bool,
    italic: bool,
    link: bool,
}

fn inline_tokens(nodes: &[&Node], ctx: &mut InlineCtx, out: &mut Vec<Tok>) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push(Tok::Text(t.clone())),
            Node::Elem(e) => inline_elem(e, ctx, out),
        }
    }
}

fn inline_children(e: &Elem, ctx: &mut InlineCtx, out: &mut Vec<Tok>) {
    let children: Vec<&Node> = e.children.iter().collect();
    inline_tokens(&children, ctx, out);
}

fn inline_elem(e: &Elem, ctx: &mut InlineCtx, out: &mut Vec<Tok>) {
    match e.name.as_str() {
        _ if is_dropped(e) => {}
        "br" => out.push(Tok::Break),
        "b" | "strong" if !ctx.bold => {
            ctx.bold = true;
            out.push(Tok::Open(Mark::Bold));
            inline_children(e, ctx, out);
            out.push(Tok::Close(Mark::Bold));
            ctx.bold = false;
        }
        "i" | "em" | "cite" | "dfn" | "var" if !ctx.italic => {
            ctx.italic = true;
            out.push(Tok::Open(Mark::Italic));
            inline_children(e, ctx, out);
            out.push(Tok::Close(Mark::Italic));
            ctx.italic = false;
        }
        "code" | "tt" | "kbd" | "samp" => inline_code(e, ctx, out),
        "a" => {
            let dest = e.attr("href").and_then(link_destination);
            match dest {
                Some(dest) if !ctx.link => {
                    let href = e.attr("href").unwrap_or_default().trim();
                    if is_absolute_url(href) && collapsed_text(&e.children) == href {
                        out.push(Tok::Atom(format!("<{href}>")));
                    } else {
                        ctx.link = true;
                        out.push(Tok::Open(Mark::Link(dest)));
                        inline_children(e, ctx, out);
                        out.push(Tok::Close(Mark::Link(String::new())));
                        ctx.link = false;
                    }
                }
                _ => inline_children(e, ctx, out),
            }
        }
        "img" => {
            if let Some(alt) = e.attr("alt") {
                out.push(Tok::Text(alt.to_string()));
            }
        }
        "td" | "th" => {
            inline_children(e, ctx, out);
            out.push(Tok::Text(" ".into()));
        }
        _ if is_block_elem(e) => {
            out.push(Tok::Text(" ".into()));
            inline_children(e, ctx, out);
            out.push(Tok::Text(" ".into()));
        }
        _ => inline_children(e, ctx, out),
    }
}

fn inline_code(e: &Elem, ctx: &mut InlineCtx, out: &mut Vec<Tok>) {
    // `<code><a href="...">Name</a></code>` reads best as a link around the code span.
    let significant: Vec<&Node> =
        e.children.iter().filter(|n| !matches!(n, Node::Text(t) if t.chars().all(is_html_space))).collect();
    if let [Node::Elem(a)] = significant.as_slice() {
        if a.name == "a" && !ctx.link {
            if let Some(dest) = a.attr("href").and_then(link_destination) {
                let code = collapsed_text(&a.children);
                if !code.is_empty() {
                    out.push(Tok::Open(Mark::Link(dest)));
                    out.push(Tok::Code(code));
                    out.push(Tok::Close(Mark::Link(String::new())));
                }
                return;
            }
        }
    }
    let mut raw = String::new();
    text_content(&e.children, &mut raw);
    let code = collapse_ws(&raw);
    if code.is_empty() {
        if !raw.is_empty() {
            out.push(Tok::Text(" ".into()));
        }
    } else {
        if raw.starts_with(is_html_space) {
            out.push(Tok::Text(" ".into()));
        }
        out.push(Tok::Code(code));
        if raw.ends_with(is_html_space) {
            out.push(Tok::Text(" ".into()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inline layout: whitespace collapsing, line breaks and emphasis placement
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Markup(String),
    /// Code span content.
    Code(String),
    Open(usize),
    Close(usize),
}

type Line = Vec<Piece>;

#[derive(Default)]
struct Layout {
    /// The mark of each open/close pair, by id.
    marks: Vec<Mark>,
    paras: Vec<Vec<Line>>,
    lines: Vec<Line>,
    cur: Line,
    /// Open marks: id and whether the opening delimiter was already emitted.
    stack: Vec<(usize, bool)>,
    pending_space: bool,
    breaks: usize,
}

impl Layout {
    fn run(toks: &[Tok]) -> Layout {
        let mut l = Layout::default();
        for tok in toks {
            match tok {
                Tok::Text(text) => l.text(text),
                Tok::Atom(atom) => l.visible(Piece::Markup(atom.clone())),
                Tok::Code(code) => l.visible(Piece::Code(code.clone())),
                Tok::Open(mark) => {
                    let id = l.marks.len();
                    l.marks.push(mark.clone());
                    l.stack.push((id, false));
                }
                Tok::Close(mark) => l.close(mark),
                Tok::Break => {
                    l.breaks += 1;
                    l.pending_space = false;
                }
            }
        }
        let open: Vec<(usize, bool)> = std::mem::take(&mut l.stack);
        for (id, emitted) in open.into_iter().rev() {
            if emitted {
                l.cur.push(Piece::Close(id));
            }
        }
        if !l.cur.is_empty() {
            let line = std::mem::take(&mut l.cur);
            l.lines.push(line);
        }
        if !l.lines.is_empty() {
            let lines = std::mem::take(&mut l.lines);
            l.paras.push(lines);
        }
        l
    }

    fn in_link(&self) -> bool {
        self.stack.iter().any(|(id, _)| matches!(self.marks[*id], Mark::Link(_)))
    }

    fn text(&mut self, text: &str) {
        for (idx, word) in text.split(is_html_space).enumerate() {
            if idx > 0 {
                self.pending_space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.in_link() {
                self.visible(Piece::Text(word.to_string()));
            } else {
                for piece in split_bare_urls(word) {
                    self.visible(piece);
                }
            }
        }
    }

    fn close(&mut self, mark: &Mark) {
        let Some(pos) = self.stack.iter().rposition(|(id, _)| self.marks[*id].same_kind(mark)) else {
            return;
        };
        let closed = self.stack.split_off(pos);
        for (id, emitted) in closed.into_iter().rev() {
            if emitted {
                self.cur.push(Piece::Close(id));
            }
        }
    }

    fn visible(&mut self, piece: Piece) {
        if self.breaks > 0 && !self.cur.is_empty() {
            if self.breaks == 1 {
                let line = std::mem::take(&mut self.cur);
                self.lines.push(line);
            } else {
                // Two or more breaks: a paragraph break. Marks cannot span paragraphs, so they
                // are closed here and reopened afterwards.
                for (id, emitted) in self.stack.iter().rev() {
                    if *emitted {
                        self.cur.push(Piece::Close(*id));
                    }
                }
                let line = std::mem::take(&mut self.cur);
                self.lines.push(line);
                let lines = std::mem::take(&mut self.lines);
                self.paras.push(lines);
                for entry in &mut self.stack {
                    let id = self.marks.len();
                    self.marks.push(self.marks[entry.0].clone());
                    *entry = (id, false);
                }
            }
        }
        self.breaks = 0;
        if self.pending_space && !self.cur.is_empty() {
            self.cur.push(Piece::Text(" ".into()));
        }
        self.pending_space = false;
        for entry in &mut self.stack {
            if !entry.1 {
                self.cur.push(Piece::Open(entry.0));
                entry.1 = true;
            }
        }
        // Adjacent code spans would run their backtick fences together: merge them.
        if let (Piece::Code(code), Some(Piece::Code(prev))) = (&piece, self.cur.last_mut()) {
            prev.push_str(code);
            return;
        }
        self.cur.push(piece);
    }
}

/// Splits a whitespace-free word into text and `<url>` autolinks for the bare URLs in it.
fn split_bare_urls(word: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = word;
    loop {
        let start = [rest.find("https://"), rest.find("http://")].into_iter().flatten().min();
        let Some(start) = start else { break };
        let tail = &rest[start..];
        let mut end =
            tail.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`')).unwrap_or(tail.len());
        // Trailing punctuation belongs to the sentence, unbalanced closers to the context.
        loop {
            let url = &tail[..end];
            let Some(last) = url.chars().last() else {
                break;
            };
            let strip = match last {
                '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '*' | '_' | '~' => true,
                ')' => url.matches('(').count() < url.matches(')').count(),
                ']' => url.matches('[').count() < url.matches(']').count(),
                '}' => url.matches('{').count() < url.matches('}').count(),
                _ => false,
            };
            if !strip {
                break;
            }
            end -= last.len_utf8();
        }
        let url = &tail[..end];
        if !is_absolute_url(url) || url.ends_with("://") {
            // Not a real URL: keep the scheme as text and look further.
            let skip = start + tail.find("//").map_or(1, |p| p + 2);
            pieces.push(Piece::Text(rest[..skip].to_string()));
            rest = &rest[skip..];
            continue;
        }
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_string()));
        }
        pieces.push(Piece::Markup(format!("<{url}>")));
        rest = &tail[end..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    pieces
}

// ---------------------------------------------------------------------------------------------
// Rendering lines: delimiters and escaping
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum CellKind {
    Text,
    Markup,
    /// Part of an emphasis delimiter rendered as `*`/`**`.
    Delim,
}

fn is_ws(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn is_punct(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace()))
}

fn left_flanking(prev: Option<char>, next: Option<char>) -> bool {
    !is_ws(next) && (!is_punct(next) || is_ws(prev) || is_punct(prev))
}

fn right_flanking(prev: Option<char>, next: Option<char>) -> bool {
    !is_ws(prev) && (!is_punct(prev) || is_ws(next) || is_punct(next))
}

fn mark_delims(mark: &Mark, html: bool) -> (String, String) {
    match (mark, html) {
        (Mark::Bold, false) => ("**".into(), "**".into()),
        (Mark::Bold, true) => ("<strong>".into(), "</strong>".into()),
        (Mark::Italic, false) => ("*".into(), "*".into()),
        (Mark::Italic, true) => ("<em>".into(), "</em>".into()),
        (Mark::Link(dest), _) => ("[".into(), format!("]({dest})")),
    }
}

/// A rendered line and the emphasis delimiters in it (id, opening?, char range).
struct RenderedLine {
    text: String,
    delims: Vec<(usize, bool, usize, usize)>,
    out_chars: Vec<(char, bool)>,
}

fn render_line(line: &Line, marks: &[Mark], html: &[bool]) -> RenderedLine {
    let mut cells: Vec<(char, CellKind)> = Vec::new();
    // (id, opening, cell start, cell end)
    let mut delim_cells = Vec::new();
    for piece in line {
        match piece {
            Piece::Text(t) => cells.extend(t.chars().map(|c| (c, CellKind::Text))),
            Piece::Markup(m) => cells.extend(m.chars().map(|c| (c, CellKind::Markup))),
            Piece::Code(code) => cells.extend(code_span(code).chars().map(|c| (c, CellKind::Markup))),
            Piece::Open(id) | Piece::Close(id) => {
                let opening = matches!(piece, Piece::Open(_));
                let (open, close) = mark_delims(&marks[*id], html[*id]);
                let s = if opening { open } else { close };
                let kind =
                    if matches!(marks[*id], Mark::Link(_)) || html[*id] { CellKind::Markup } else { CellKind::Delim };
                let start = cells.len();
                cells.extend(s.chars().map(|c| (c, kind)));
                if kind == CellKind::Delim {
                    delim_cells.push((*id, opening, start, cells.len()));
                }
            }
        }
    }
    let escapes = escape_decisions(&cells);
    let mut out_chars: Vec<(char, bool)> = Vec::with_capacity(cells.len() + 8);
    let mut cell_pos = Vec::with_capacity(cells.len() + 1);
    for (i, (c, kind)) in cells.iter().enumerate() {
        cell_pos.push(out_chars.len());
        if escapes[i] {
            out_chars.push(('\\', false));
        }
        out_chars.push((*c, *kind == CellKind::Delim));
    }
    cell_pos.push(out_chars.len());
    let delims = delim_cells.into_iter().map(|(id, opening, s, e)| (id, opening, cell_pos[s], cell_pos[e])).collect();
    RenderedLine { text: out_chars.iter().map(|(c, _)| c).collect(), delims, out_chars }
}

/// Whether each text cell needs a backslash so that it is not read as Markdown syntax.
fn escape_decisions(cells: &[(char, CellKind)]) -> Vec<bool> {
    let ch = |i: usize| cells.get(i).map(|(c, _)| *c);
    let prev = |i: usize| if i == 0 { None } else { ch(i - 1) };
    let mut esc = vec![false; cells.len()];
    let mut i = 0;
    while i < cells.len() {
        let (c, kind) = cells[i];
        if kind != CellKind::Text {
            i += 1;
            continue;
        }
        match c {
            '*' | '_' | '~' => {
                let mut end = i;
                while end < cells.len() && cells[end] == (c, CellKind::Text) {
                    end += 1;
                }
                let (p, n) = (prev(i), ch(end));
                let left = left_flanking(p, n);
                let right = right_flanking(p, n);
                let special = if c == '_' {
                    (left && (!right || is_punct(p))) || (right && (!left || is_punct(n)))
                } else {
                    left || right
                };
                if special {
                    esc[i..end].iter_mut().for_each(|e| *e = true);
                }
                i = end;
                continue;
            }
            '`' | '[' | ']' => esc[i] = true,
            // `![` would turn a following link into an image.
            '!' => esc[i] = ch(i + 1) == Some('['),
            '\\' => esc[i] = ch(i + 1).is_none_or(|n| n.is_ascii_punctuation()),
            '<' => esc[i] = ch(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => {
                let mut j = i + 1;
                if ch(j) == Some('#') {
                    j += 1;
                }
                let start = j;
                while ch(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    j += 1;
                }
                esc[i] = j > start && ch(j) == Some(';');
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(pos) = line_start_escape(cells) {
        esc[pos] = true;
    }
    esc
}

/// The cell to escape so that the start of a line is not read as block syntax (heading, list
/// item, block quote, thematic break, setext underline, code fence).
fn line_start_escape(cells: &[(char, CellKind)]) -> Option<usize> {
    let (first, kind) = *cells.first()?;
    if kind != CellKind::Text {
        return None;
    }
    let ch = |i: usize| cells.get(i).map(|(c, _)| *c);
    let line_end_or_space = |i: usize| ch(i).is_none_or(|c| c == ' ' || c == '\t');
    // A whole line made of one of `-*_=` (and spaces): thematic break or setext underline.
    if matches!(first, '-' | '*' | '_' | '=')
        && cells.iter().all(|(c, k)| *k == CellKind::Text && (*c == first || *c == ' ' || *c == '\t'))
    {
        return Some(0);
    }
    match first {
        '#' => {
            let mut n = 0;
            while ch(n) == Some('#') {
                n += 1;
            }
            (n <= 6 && line_end_or_space(n)).then_some(0)
        }
        '-' | '+' | '*' => line_end_or_space(1).then_some(0),
        '>' => Some(0),
        '~' | '`' => {
            let mut n = 0;
            while ch(n) == Some(first) {
                n += 1;
            }
            (n >= 3).then_some(0)
        }
        '0'..='9' => {
            let mut n = 0;
            while ch(n).is_some_and(|c| c.is_ascii_digit()) {
                n += 1;
            }
            (n <= 9 && matches!(ch(n), Some('.' | ')')) && line_end_or_space(n + 1)).then_some(n)
        }
        _ => None,
    }
}

/// Renders a paragraph's lines, falling back to HTML tags for emphasis whose Markdown
/// delimiters would not be recognized where they stand.
fn render_para(lines: &[Line], marks: &[Mark]) -> Vec<String> {
    let mut html = vec![false; marks.len()];
    loop {
        let rendered: Vec<RenderedLine> = lines.iter().map(|l| render_line(l, marks, &html)).collect();
        let mut changed = false;
        for line in &rendered {
            for &(id, opening, start, end) in &line.delims {
                if html[id] {
                    continue;
                }
                let chars = &line.out_chars;
                let (mut s, mut e) = (start, end);
                while s > 0 && chars[s - 1].1 {
                    s -= 1;
                }
                while e < chars.len() && chars[e].1 {
                    e += 1;
                }
                let p = if s == 0 { None } else { Some(chars[s - 1].0) };
                let n = chars.get(e).map(|(c, _)| *c);
                let ok = if opening { left_flanking(p, n) } else { right_flanking(p, n) };
                if !ok {
                    html[id] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            let count = rendered.len();
            return rendered
                .into_iter()
                .enumerate()
                .map(|(i, l)| if i + 1 < count { format!("{}\\", l.text) } else { l.text })
                .collect();
        }
    }
}

/// Renders inline tokens as paragraphs separated by blank lines.
fn render_inline(toks: &[Tok]) -> Vec<String> {
    let layout = Layout::run(toks);
    let mut out = Vec::new();
    for para in &layout.paras {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(render_para(para, &layout.marks));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering blocks
// ---------------------------------------------------------------------------------------------

fn render_blocks(blocks: &[Block], in_item: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev_para = false;
    for block in blocks {
        let lines = render_block(block);
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            // A bullet list (or one starting at 1) may directly follow the paragraph of a list
            // item, which keeps nested lists tight.
            let tight =
                in_item && prev_para && matches!(block, Block::List { ordered, start, .. } if !ordered || *start == 1);
            if !tight {
                out.push(String::new());
            }
        }
        prev_para = matches!(block, Block::Para(_)) && !lines.iter().any(String::is_empty);
        out.extend(lines);
    }
    out
}

fn render_block(block: &Block) -> Vec<String> {
    match block {
        Block::Para(toks) => render_inline(toks),
        Block::Heading(level, toks) => {
            let text = render_inline(toks).join(" ");
            if text.is_empty() {
                Vec::new()
            } else {
                vec![format!("{} {}", "#".repeat(*level), text)]
            }
        }
        Block::List { ordered, start, items } => {
            let rendered: Vec<Vec<String>> =
                items.iter().map(|item| render_blocks(item, true)).filter(|lines| !lines.is_empty()).collect();
            let tight = rendered.iter().all(|lines| !lines.iter().any(String::is_empty));
            let mut out = Vec::new();
            for (idx, lines) in rendered.iter().enumerate() {
                if idx > 0 && !tight {
                    out.push(String::new());
                }
                let marker =
                    if *ordered { format!("{}. ", start.saturating_add(idx as u64)) } else { "- ".to_string() };
                let indent = " ".repeat(marker.len());
                for (n, line) in lines.iter().enumerate() {
                    if n == 0 {
                        out.push(format!("{marker}{line}"));
                    } else if line.is_empty() {
                        out.push(String::new());
                    } else {
                        out.push(format!("{indent}{line}"));
                    }
                }
            }
            out
        }
        Block::Quote(label, inner) => {
            let mut inner = inner.clone();
            if let Some(label) = label {
                let label_toks = vec![Tok::Open(Mark::Bold), Tok::Text((*label).to_string()), Tok::Close(Mark::Bold)];
                match inner.first_mut() {
                    Some(Block::Para(toks)) => {
                        let mut all = label_toks;
                        all.push(Tok::Text(" ".into()));
                        all.append(toks);
                        *toks = all;
                    }
                    _ => inner.insert(0, Block::Para(label_toks)),
                }
            }
            render_blocks(&inner, false)
                .into_iter()
                .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
                .collect()
        }
        Block::Code(code) => {
            let mut longest = 0;
            let mut run = 0;
            for c in code.chars() {
                run = if c == '`' { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            let fence = "`".repeat((longest + 1).max(3));
            let mut out = vec![format!("{fence}text")];
            out.extend(code.lines().map(str::to_string));
            out.push(fence);
            out
        }
        // Not `---`: inside a list item, `- - ---` would read as one thematic break.
        Block::Rule => vec!["***".to_string()],
    }
}

// ---------------------------------------------------------------------------------------------
// Plain text and CommonMark
// ---------------------------------------------------------------------------------------------

/// Documentation without HTML tags: kept as Markdown, with only what rustdoc would warn about (or
/// run as a doctest) fixed.
fn markdown_passthrough(doc: &str) -> Vec<String> {
    let lines: Vec<String> = doc.lines().map(|l| expand_tabs(l.trim_end())).collect();
    let common = lines.iter().filter(|l| !l.is_empty()).map(|l| indent_of(l)).min().unwrap_or(0);
    let lines: Vec<String> =
        lines.iter().map(|l| if l.is_empty() { String::new() } else { l[common..].to_string() }).collect();
    md_blocks(&lines)
}

fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c == '\t' {
            let width = 4 - out.chars().count() % 4;
            out.extend(std::iter::repeat_n(' ', width));
        } else {
            out.push(c);
        }
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A fence opener (`` ``` `` or `~~~`, at most 3 spaces in): its character and length.
fn fence_open(line: &str) -> Option<(char, usize)> {
    if indent_of(line) >= 4 {
        return None;
    }
    let body = line.trim_start();
    let fc = body.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let run = body.chars().take_while(|&c| c == fc).count();
    (run >= 3 && !(fc == '`' && body[run..].contains('`'))).then_some((fc, run))
}

fn is_fence_close(line: &str, fence: (char, usize)) -> bool {
    let body = line.trim_start();
    let run = body.chars().take_while(|&c| c == fence.0).count();
    indent_of(line) < 4 && run >= fence.1 && body[run..].trim().is_empty()
}

/// Width of a list marker with its following spaces at the start of `body` (unindented), if
/// `body` starts a list item.
fn list_marker_width(body: &str) -> Option<usize> {
    let b = body.as_bytes();
    let marker = if matches!(b.first(), Some(b'-' | b'+' | b'*')) {
        1
    } else {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) || !matches!(b.get(digits), Some(b'.' | b')')) {
            return None;
        }
        digits + 1
    };
    match b.get(marker) {
        None => Some(marker + 1),
        Some(b' ') => {
            let spaces = b[marker..].iter().take_while(|&&c| c == b' ').count();
            let all_blank = marker + spaces == b.len();
            Some(marker + if spaces > 4 || all_blank { 1 } else { spaces })
        }
        _ => None,
    }
}

/// Whether a list item can start right after a paragraph line (otherwise it continues it).
fn can_interrupt_paragraph(body: &str, width: usize) -> bool {
    let content_empty = body.get(width..).is_none_or(|c| c.trim().is_empty());
    let ordered = body.starts_with(|c: char| c.is_ascii_digit());
    !content_empty && (!ordered || body.starts_with("1.") || body.starts_with("1)"))
}

fn is_thematic_break(body: &str) -> bool {
    let mut chars = body.chars().filter(|c| *c != ' ');
    let Some(first) = chars.next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    let mut count = 1;
    for c in chars {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

fn is_setext_underline(body: &str) -> bool {
    let body = body.trim_end();
    !body.is_empty() && (body.chars().all(|c| c == '=') || body.chars().all(|c| c == '-'))
}

fn is_atx_heading(body: &str) -> bool {
    let n = body.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&n) && matches!(body.as_bytes().get(n), None | Some(b' '))
}

#[derive(PartialEq)]
enum Prev {
    /// Start of the container or a blank line.
    Blank,
    Para,
    Other,
}

/// Processes the lines of one Markdown container (the document, a block quote or a list item).
fn md_blocks(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev = Prev::Blank;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let indent = indent_of(line);
        let body = line.trim_start();
        if body.is_empty() {
            out.push(String::new());
            prev = Prev::Blank;
            i += 1;
        } else if indent >= 4 && prev != Prev::Para {
            // An indented code block: make it a fenced, non-Rust one.
            let mut block = Vec::new();
            while i < lines.len() && (lines[i].is_empty() || indent_of(&lines[i]) >= 4) {
                block.push(if lines[i].is_empty() { "" } else { &lines[i][4..] });
                i += 1;
            }
            while block.last().is_some_and(|l| l.is_empty()) {
                block.pop();
            }
            out.extend(render_block(&Block::Code(block.join("\n"))));
            prev = Prev::Other;
        } else if let Some(fence) = fence_open(line) {
            // Kept as written (indentation included), with a safe info string and a closing
            // fence if it had none.
            let info = &body[fence.1 * fence.0.len_utf8()..];
            let opener = &line[..indent + fence.1 * fence.0.len_utf8()];
            out.push(format!("{opener}{}", fence_info(info.trim())));
            i += 1;
            let mut closer = opener.to_string();
            while i < lines.len() {
                let l = &lines[i];
                i += 1;
                if is_fence_close(l, fence) {
                    closer.clone_from(l);
                    break;
                }
                out.push(l.clone());
            }
            out.push(closer);
            prev = Prev::Other;
        } else if indent < 4 && body.starts_with('>') {
            let mut inner = Vec::new();
            while i < lines.len() && indent_of(&lines[i]) < 4 && lines[i].trim_start().starts_with('>') {
                let b = &lines[i].trim_start()[1..];
                inner.push(expand_tabs(b.strip_prefix(' ').unwrap_or(b)));
                i += 1;
            }
            out.extend(md_blocks(&inner).into_iter().map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            }));
            // A following unmarked line would continue the quote's paragraph.
            prev = Prev::Para;
        } else if let Some(width) = list_marker_width(body)
            .filter(|_| indent < 4 && !is_thematic_break(body))
            .filter(|&w| prev != Prev::Para || can_interrupt_paragraph(body, w))
        {
            let content_indent = indent + width;
            let marker = format!("{}{:<width$}", &line[..indent], body[..width.min(body.len())].trim_end());
            let mut inner = vec![body.get(width..).unwrap_or("").to_string()];
            let starts_empty = inner[0].trim().is_empty();
            let mut item_prev_para = !starts_empty;
            i += 1;
            while i < lines.len() {
                let l = &lines[i];
                if l.is_empty() {
                    if starts_empty && inner.len() == 1 {
                        // An item starting with a blank line ends at a second one.
                        break;
                    }
                    // Blank lines belong to the item only if it continues after them.
                    let next = lines[i..].iter().find(|l| !l.is_empty());
                    if next.is_some_and(|n| indent_of(n) >= content_indent) {
                        inner.push(String::new());
                        item_prev_para = false;
                        i += 1;
                        continue;
                    }
                    break;
                }
                let li = indent_of(l);
                let lb = l.trim_start();
                if li >= content_indent {
                    inner.push(l[content_indent..].to_string());
                } else if item_prev_para
                    && list_marker_width(lb).is_none()
                    && !lb.starts_with('>')
                    && !is_atx_heading(lb)
                    && !is_thematic_break(lb)
                    && fence_open(l).is_none()
                {
                    // Lazy continuation of the item's paragraph.
                    inner.push(lb.to_string());
                } else {
                    break;
                }
                item_prev_para = true;
                i += 1;
            }
            let pad = " ".repeat(content_indent);
            for (n, l) in md_blocks(&inner).into_iter().enumerate() {
                if n == 0 {
                    out.push(format!("{marker}{l}"));
                } else if l.is_empty() {
                    out.push(String::new());
                } else {
                    out.push(format!("{pad}{l}"));
                }
            }
            prev = Prev::Other;
        } else if indent < 4
            && (is_atx_heading(body) || is_thematic_break(body) || (prev == Prev::Para && is_setext_underline(body)))
        {
            out.push(escape_markdown_line(body, false));
            prev = Prev::Other;
            i += 1;
        } else {
            // A paragraph line. A deeply indented one continues the paragraph; without its
            // indentation it must not start a block.
            let starts_block = fence_open(body).is_some()
                || list_marker_width(body).is_some()
                || is_atx_heading(body)
                || is_thematic_break(body)
                || is_setext_underline(body)
                || body.starts_with('>');
            let text = if indent >= 4 && starts_block {
                let digits = body.chars().take_while(char::is_ascii_digit).count();
                let split = if digits > 0 { digits } else { 1 };
                let (head, rest) = body.split_at(split);
                let rest = escape_markdown_line(rest, false);
                if digits > 0 {
                    format!("{head}\\{rest}")
                } else {
                    format!("\\{head}{rest}")
                }
            } else {
                escape_markdown_line(body, false)
            };
            out.push(text);
            prev = Prev::Para;
            i += 1;
        }
    }
    out
}

/// The info string for a fenced block: a plain language name is kept, anything rustdoc would
/// run as a doctest or complain about becomes `text`.
fn fence_info(info: &str) -> &str {
    let word = info.split([' ', ',']).next().unwrap_or("");
    let plain =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'));
    let rusty = matches!(word, "rust" | "ignore" | "should_panic" | "no_run" | "compile_fail" | "test_harness")
        || word.starts_with("edition");
    if plain && !rusty {
        word
    } else {
        "text"
    }
}

/// Escapes what rustdoc would warn about in one line of Markdown: brackets that are not links,
/// `<` that is not an autolink, and bare URLs. Code spans, links and escapes are kept.
fn escape_markdown_line(line: &str, in_link: bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
            }
            '\\' => {
                // A literal backslash; escape it if what follows will start with punctuation
                // (an autolink made of a bare URL).
                if !in_link && url_len(&chars[i + 1..]) > 0 {
                    out.push('\\');
                }
                out.push(c);
                i += 1;
            }
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                match find_backtick_close(&chars, i + run, run) {
                    Some(end) => {
                        out.extend(&chars[i..end]);
                        i = end;
                    }
                    None => {
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
            }
            '<' => match autolink_end(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..end]);
                    i = end;
                }
                None => {
                    if chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) {
                        out.push('\\');
                    }
                    out.push('<');
                    i += 1;
                }
            },
            '[' => match inline_link(&chars, i) {
                Some((text_end, dest, end)) => {
                    out.push('[');
                    let text: String = chars[i + 1..text_end].iter().collect();
                    out.push_str(&escape_markdown_line(&text, true));
                    out.push_str("](");
                    out.push_str(&dest);
                    out.push(')');
                    i = end;
                }
                None => {
                    out.push_str("\\[");
                    i += 1;
                }
            },
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            'h' if !in_link && url_len(&chars[i..]) > 0 => {
                let len = url_len(&chars[i..]);
                out.push('<');
                out.extend(&chars[i..i + len]);
                out.push('>');
                i += len;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Length of the bare URL at the start of `chars` in Markdown text (0 if there is none). It ends
/// before whitespace, Markdown syntax and trailing punctuation.
fn url_len(chars: &[char]) -> usize {
    let starts = |p: &str| chars.iter().take(p.len()).copied().eq(p.chars());
    let scheme = if starts("https://") {
        8
    } else if starts("http://") {
        7
    } else {
        return 0;
    };
    let mut end = chars
        .iter()
        .position(|&c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '[' | ']' | '\\' | '*' | '|'))
        .unwrap_or(chars.len());
    while end > scheme {
        let url = &chars[..end];
        let count = |c: char| url.iter().filter(|&&x| x == c).count();
        let strip = match url[end - 1] {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '_' | '~' => true,
            ')' => count('(') < count(')'),
            '}' => count('{') < count('}'),
            _ => false,
        };
        if !strip {
            break;
        }
        end -= 1;
    }
    if end > scheme {
        end
    } else {
        0
    }
}

fn find_backtick_close(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let n = chars[j..].iter().take_while(|&&c| c == '`').count();
            if n == run {
                return Some(j + n);
            }
            j += n;
        } else {
            j += 1;
        }
    }
    None
}

/// End of an autolink `<scheme:...>` or `<user@host>` starting at `chars[i] == '<'`.
fn autolink_end(chars: &[char], i: usize) -> Option<usize> {
    let close = chars[i + 1..].iter().position(|&c| c == '>')? + i + 1;
    let inner: String = chars[i + 1..close].iter().collect();
    if inner.is_empty() || inner.contains(|c: char| c.is_whitespace() || c == '<') {
        return None;
    }
    let scheme_len = inner.find(':').unwrap_or(0);
    let scheme_ok = (2..=32).contains(&scheme_len)
        && inner[..scheme_len].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && inner.starts_with(|c: char| c.is_ascii_alphabetic());
    let email_ok = inner.contains('@') && !inner.contains(':');
    (scheme_ok || email_ok).then_some(close + 1)
}

/// An inline link `[text](dest)` at `chars[i] == '['`: end of the text, the sanitized
/// destination (with its title, if any) and the end of the link.
fn inline_link(chars: &[char], i: usize) -> Option<(usize, String, usize)> {
    // Link text with brackets of its own (possibly a nested link) is not taken as a link.
    let mut j = i + 1;
    let text_end = loop {
        match chars.get(j)? {
            '\\' => j += 1,
            '[' => return None,
            ']' => break j,
            _ => {}
        }
        j += 1;
    };
    if chars.get(text_end + 1) != Some(&'(') {
        return None;
    }
    let mut depth = 0;
    let mut k = text_end + 1;
    let dest_end = loop {
        match chars.get(k)? {
            '\\' => k += 1,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    break k;
                }
            }
            _ => {}
        }
        k += 1;
    };
    let inner: String = chars[text_end + 2..dest_end].iter().collect();
    let inner = inner.trim();
    let (url, title) = match inner.find(char::is_whitespace) {
        Some(p) => (&inner[..p], &inner[p..]),
        None => (inner, ""),
    };
    let url = url.trim_start_matches('<').trim_end_matches('>');
    let dest = link_destination(url)?;
    Some((text_end, format!("{dest}{title}"), dest_end + 1))
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    fn md(doc: &str) -> String {
        to_markdown(doc).join("\n")
    }

    #[test]
    fn blank_input_gives_no_lines() {
        assert!(to_markdown("").is_empty());
        assert!(to_markdown("  \n\t ").is_empty());
        assert!(to_markdown("<p> </p>").is_empty());
        assert!(to_markdown("<p></p><fullname>Service</fullname>").is_empty());
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(md("Id of the affected resource"), "Id of the affected resource");
        assert_eq!(md("Uses snake_case and 5 * 3 items."), "Uses snake_case and 5 * 3 items.");
    }

    #[test]
    fn paragraphs() {
        assert_eq!(md("<p>One.</p><p>Two.</p>"), "One.\n\nTwo.");
        assert_eq!(md("<p>One.<p>Two."), "One.\n\nTwo.");
        assert_eq!(md("Intro <p>Body</p> outro"), "Intro\n\nBody\n\noutro");
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(md("<p>  Lots\n      of \t space\n   here.  </p>"), "Lots of space here.");
        assert_eq!(md("<p>a<b> bold </b>b</p>"), "a **bold** b");
    }

    #[test]
    fn code_spans() {
        assert_eq!(md("<p>Use <code>GetItem</code>.</p>"), "Use `GetItem`.");
        assert_eq!(md("<p><code>a`b</code></p>"), "``a`b``");
        assert_eq!(md("<p><code>`x`</code></p>"), "`` `x` ``");
        assert_eq!(md("<p>x<code></code>y</p>"), "xy");
        assert_eq!(md("<p><code> spaced  out </code>!</p>"), "`spaced out` !");
        // Adjacent spans are merged so that their fences cannot run together.
        assert_eq!(md("<p><code>`a`</code><code>b</code></p>"), "`` `a`b ``");
        // Markup inside code is dropped, text kept.
        assert_eq!(md("<code>arn:<i>region</i>:thing</code>"), "`arn:region:thing`");
    }

    #[test]
    fn links() {
        assert_eq!(
            md(r#"<p>See <a href="https://example.com/a_b">the guide</a>.</p>"#),
            "See [the guide](https://example.com/a_b)."
        );
        assert_eq!(md("<p>See <a>nothing</a>.</p>"), "See nothing.");
        assert_eq!(md(r#"<p><a href="">empty</a></p>"#), "empty");
        // Relative hrefs that look like Rust paths would be resolved as intra-doc links.
        assert_eq!(md(r#"<a href="CreateThing">op</a>"#), "[op](./CreateThing)");
        assert_eq!(md(r#"<a href="api/x.html">x</a>"#), "[x](api/x.html)");
        assert_eq!(md(r##"<a href="#frag">here</a>"##), "[here](#frag)");
        assert_eq!(md(r#"<a href="mailto:a@b">mail</a>"#), "[mail](mailto:a%40b)");
        assert_eq!(md(r#"<a href="https://x.com/a (b)">x</a>"#), r"[x](https://x.com/a%20\(b\))");
        // A link whose text is its URL becomes an autolink.
        assert_eq!(md(r#"<a href="https://example.com">https://example.com</a>"#), "<https://example.com>");
        // Code around a link, and a link around code.
        assert_eq!(md(r#"<code><a href="https://x.com">Name</a></code>"#), "[`Name`](https://x.com)");
        assert_eq!(md(r#"<a href="https://x.com"><code>Name</code></a>"#), "[`Name`](https://x.com)");
        assert_eq!(md(r#"<a href="https://x.com">[beta] guide</a>"#), r"[\[beta\] guide](https://x.com)");
    }

    #[test]
    fn emphasis() {
        assert_eq!(md("<b>bold</b> <strong>strong</strong>"), "**bold** **strong**");
        assert_eq!(md("<i>it</i> <em>em</em>"), "*it* *em*");
        assert_eq!(md("<b><i>both</i></b>"), "***both***");
        assert_eq!(md("<b>a <b>b</b> c</b>"), "**a b c**");
        assert_eq!(md("<b> </b>x<i></i>"), "x");
        // Delimiters that CommonMark would not recognize here fall back to HTML.
        assert_eq!(md("foo<b>(bar)</b>"), "foo<strong>(bar)</strong>");
        assert_eq!(md("<i>x</i>y"), "*x*y");
    }

    #[test]
    fn line_breaks() {
        assert_eq!(md("<p>one<br>two<br/>three</p>"), "one\\\ntwo\\\nthree");
        assert_eq!(md("<p><br>one<br></p>"), "one");
        assert_eq!(md("<p>one<br><br>two</p>"), "one\n\ntwo");
        // Emphasis is closed and reopened around a paragraph break.
        assert_eq!(md("<b>one<br><br>two</b>"), "**one**\n\n**two**");
    }

    #[test]
    fn lists() {
        assert_eq!(md("<ul><li><p>one</p></li><li>two</li></ul>"), "- one\n- two");
        assert_eq!(md("<ol><li>one</li><li>two</li></ol>"), "1. one\n2. two");
        assert_eq!(md(r#"<ol start="9"><li>a</li><li>b</li></ol>"#), "9. a\n10. b");
        assert_eq!(
            md("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>"),
            "- a\n  - b\n    1. c\n- d"
        );
        assert_eq!(
            md("<ul><li><p>para one</p><p>para two</p></li><li>next</li></ul>"),
            "- para one\n\n  para two\n\n- next"
        );
        assert_eq!(md("<p>Intro</p><ul><li>x</li></ul><p>After</p>"), "Intro\n\n- x\n\nAfter");
        // Unclosed items, an `li` without a list, empty items.
        assert_eq!(md("<ul><li>a<li>b</ul>"), "- a\n- b");
        assert_eq!(md("<li>a</li><li>b</li>"), "- a\n- b");
        assert_eq!(md("<ul><li></li><li> </li><li>x</li></ul>"), "- x");
        // A list nested directly in a list joins the previous item.
        assert_eq!(md("<ul><li>a</li><ul><li>b</li></ul></ul>"), "- a\n  - b");
    }

    #[test]
    fn notes() {
        assert_eq!(md("<p>Text.</p> <note> <p>Careful.</p> </note>"), "Text.\n\n> **Note:** Careful.");
        assert_eq!(md("<important><p>A</p><p>B</p></important>"), "> **Important:** A\n>\n> B");
        assert_eq!(md("<important><ul><li>x</li></ul></important>"), "> **Important:**\n>\n> - x");
    }

    #[test]
    fn preformatted() {
        assert_eq!(md("<pre><code>\n  {\n    \"a\": 1\n  }\n</code></pre>"), "```text\n{\n  \"a\": 1\n}\n```");
        assert_eq!(md("<pre>a &lt; b</pre>"), "```text\na < b\n```");
        assert_eq!(md("<pre>x\n```\ny</pre>"), "````text\nx\n```\ny\n````");
        assert_eq!(md("<ul><li>run:<pre>cmd --flag</pre></li></ul>"), "- run:\n\n  ```text\n  cmd --flag\n  ```");
    }

    #[test]
    fn definition_lists() {
        assert_eq!(
            md("<dl><dt>dsql:Get</dt><dd><p>Reads.</p></dd><dt>dsql:Put</dt><dd>Writes.</dd></dl>"),
            "- **dsql:Get**\n\n  Reads.\n\n- **dsql:Put**\n\n  Writes."
        );
        assert_eq!(md("<dl><dt>term</dt></dl>"), "- **term**");
        assert_eq!(md("<dl><dd>orphan</dd></dl>"), "- orphan");
    }

    #[test]
    fn headings() {
        assert_eq!(md("<h1>Title</h1><p>Body</p>"), "# Title\n\nBody");
        assert_eq!(md("<h3>Sub <code>x</code></h3>"), "### Sub `x`");
        assert_eq!(md("<h2>a<br>b</h2>"), "## a b");
    }

    #[test]
    fn dropped_and_unknown_tags() {
        assert_eq!(md("<fullname>Amazon Thing</fullname><p>Does things.</p>"), "Does things.");
        assert_eq!(md("<p>a <span>b</span> <custom>c</custom></p>"), "a b c");
        assert_eq!(md("<p>x<!-- comment -->y</p>"), "xy");
        // An unknown tag that is never closed was meant as text.
        assert_eq!(md("<p>Format: <folder name>/<file name></p>"), r"Format: \<folder name>/\<file name>");
    }

    #[test]
    fn unclosed_and_mismatched_tags() {
        assert_eq!(md("<p>Use <code>foo</p><p>next</p>"), "Use `foo`\n\nnext");
        assert_eq!(md("<p><b>bold</i> still</b> done"), "**bold still** done");
        assert_eq!(md("</b>text</p>"), "text");
        assert_eq!(md("<p>open <i>italic"), "open *italic*");
        assert_eq!(md("<p>a <b"), r"a \<b");
    }

    #[test]
    fn entities() {
        assert_eq!(
            md("<p>&lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &#39;b&#x27; x&nbsp;y</p>"),
            "\\<tag> & \"q\" 'a' 'b' x\u{a0}y"
        );
        assert_eq!(md("<p>&copy; &unknown; &#169;</p>"), "© \\&unknown; ©");
        assert_eq!(md("<p>&amp;lt; stays</p>"), "\\&lt; stays");
    }

    #[test]
    fn escapes_text_that_would_be_markdown() {
        assert_eq!(md("<p>list [a, b] here</p>"), r"list \[a, b\] here");
        assert_eq!(md("<p>a < b > c</p>"), "a < b > c");
        assert_eq!(md("<p>x &lt;value&gt;</p>"), r"x \<value>");
        assert_eq!(md("<p>use `tick`</p>"), r"use \`tick\`");
        assert_eq!(md("<p>*all* of _them_ __x__</p>"), r"\*all\* of \_them\_ \_\_x\_\_");
        assert_eq!(md("<p>KMS_BASED_KEY and a*b and 2 * 3</p>"), r"KMS_BASED_KEY and a\*b and 2 * 3");
        assert_eq!(md(r"<p>C:\path\*</p>"), r"C:\path\\\*");
        assert_eq!(md("<p>wow!<a href=\"https://x.com\">link</a></p>"), r"wow\![link](https://x.com)");
    }

    #[test]
    fn escapes_block_syntax_at_line_start() {
        assert_eq!(md("<p># not a heading</p>"), r"\# not a heading");
        assert_eq!(md("<p>#hashtag</p>"), "#hashtag");
        assert_eq!(md("<p>- not a list</p>"), r"\- not a list");
        assert_eq!(md("<p>+ plus</p>"), r"\+ plus");
        assert_eq!(md("<p>* star</p>"), r"\* star");
        assert_eq!(md("<p>1. first</p>"), r"1\. first");
        assert_eq!(md("<p>2) second</p>"), r"2\) second");
        assert_eq!(md("<p>2024 was</p>"), "2024 was");
        assert_eq!(md("<p>&gt; quoted</p>"), r"\> quoted");
        assert_eq!(md("<p>---</p>"), r"\---");
        assert_eq!(md("<p>a<br>===</p>"), "a\\\n\\===");
        assert_eq!(md("<p>~~~</p>"), r"\~~~");
        assert_eq!(md("<ul><li>- dash</li></ul>"), r"- \- dash");
    }

    #[test]
    fn never_indents_text_into_a_code_block() {
        let out = to_markdown("<p>\n        deeply\n        indented\n</p>\n\n        <p>   more</p>");
        assert_eq!(out, ["deeply indented", "", "more"]);
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            md("<p>Go to https://example.com/a_(b). Or http://x.org/y, now</p>"),
            "Go to <https://example.com/a_(b)>. Or <http://x.org/y>, now"
        );
        assert_eq!(md("<p>(see https://x.org/p)</p>"), "(see <https://x.org/p>)");
        assert_eq!(md("<p>just http:// here</p>"), "just http:// here");
    }

    #[test]
    fn markdown_input_is_kept_and_made_safe() {
        let doc = "Summary with `code` and [a link](https://x.com).\n\n- item one\n- item two\n  continued\n\n```\nlet x = 1;\n```";
        assert_eq!(
            md(doc),
            "Summary with `code` and [a link](https://x.com).\n\n- item one\n- item two\n  continued\n\n```text\nlet x = 1;\n```"
        );
        // Indented code would be a doctest: it becomes a fenced `text` block.
        assert_eq!(md("Para:\n\n    code line\n      more"), "Para:\n\n```text\ncode line\n  more\n```");
        assert_eq!(md("```json\n{}\n```"), "```json\n{}\n```");
        assert_eq!(md("~~~rust\nfn x() {}"), "~~~text\nfn x() {}\n~~~");
        // What rustdoc would warn about.
        assert_eq!(md("See [Foo] and [x](Foo)."), r"See \[Foo\] and [x](./Foo).");
        assert_eq!(md("Visit https://example.com."), "Visit <https://example.com>.");
        assert_eq!(md("Visit <https://example.com>."), "Visit <https://example.com>.");
        assert_eq!(md("Type <T> here"), r"Type \<T> here");
        assert_eq!(md("a `<p>` tag"), "a `<p>` tag");
        // Nested lists and quotes keep their structure.
        assert_eq!(md("1. a\n   - b\n\n> q\n> - r"), "1. a\n   - b\n\n> q\n> - r");
        assert_eq!(md("> ```\n> code\n> ```"), "> ```text\n> code\n> ```");
        // A deeply indented continuation line must not start a block once unindented.
        assert_eq!(md("para\n    - not a list"), "para\n\\- not a list");
    }

    #[test]
    fn other_html() {
        assert_eq!(md("<p>a</p><hr><p>b</p>"), "a\n\n***\n\nb");
        assert_eq!(md("<blockquote>quoted</blockquote>"), "> quoted");
        assert_eq!(md("<p>x <img src=\"a.png\" alt=\"diagram\"> y</p>"), "x diagram y");
        assert_eq!(
            md("<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>"),
            "Key Value\n\na 1"
        );
        assert_eq!(md("<div>x<sup>2</sup> <u>u</u></div>"), "x2 u");
    }

    #[test]
    fn output_lines_have_no_leading_space_outside_lists() {
        let doc = "<p> a </p> <note> <p> b </p> </note> <ul> <li> <p> c </p> <ul><li> d </li></ul> </li> </ul>";
        assert_eq!(md(doc), "a\n\n> **Note:** b\n\n- c\n  - d");
    }
}

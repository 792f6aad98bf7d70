//! String literal contents: newline normalization, escapes, and text block re-indentation.

/// CRLF and lone CR become LF, as the spec requires of every string.
pub(super) fn normalize_newlines(raw: &str) -> String {
    if !raw.contains('\r') {
        return raw.to_owned();
    }
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

/// Expands the escapes of a quoted string or text block (newlines already normalized).
pub(super) fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            // An escaped line break continues the line.
            Some('\n') => {}
            Some('u') => {
                let unit = hex4(&mut chars)?;
                let c = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    let low = if chars.next() == Some('\\') && chars.next() == Some('u') {
                        hex4(&mut chars)?
                    } else {
                        0
                    };
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(format!("invalid unicode escape: high surrogate `\\u{unit:04X}` is not followed by an escaped low surrogate"));
                    }
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    char::from_u32(unit)
                };
                match c {
                    Some(c) => out.push(c),
                    None => return Err(format!("invalid unicode escape `\\u{unit:04X}`: a lone surrogate is not a character")),
                }
            }
            Some(other) => {
                return Err(format!(
                    "invalid escape `\\{other}` in a string; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX and an escaped line break"
                ))
            }
            None => return Err("a string cannot end with a lone `\\`".to_owned()),
        }
    }
    Ok(out)
}

fn hex4(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<u32, String> {
    let mut value = 0;
    for _ in 0..4 {
        match chars.next() {
            Some(c) => match c.to_digit(16) {
                Some(d) => value = value * 16 + d,
                None => return Err(format!("invalid unicode escape character `{c}`: `\\u` needs four hex digits")),
            },
            None => return Err("unclosed unicode escape: `\\u` needs four hex digits".to_owned()),
        }
    }
    Ok(value)
}

/// Removes a text block's incidental whitespace (the spec's algorithm), then expands escapes.
/// `content` is everything after the opening line break up to the closing `"""`.
pub(super) fn text_block(content: &str) -> Result<String, String> {
    let content = normalize_newlines(content);
    let lines: Vec<&str> = content.split('\n').collect();
    let last = lines.len() - 1;
    let indent = |line: &str| line.chars().take_while(|c| *c == ' ' || *c == '\t').count();
    let common = lines
        .iter()
        .enumerate()
        .filter(|(i, line)| *i == last || !line.trim_matches([' ', '\t']).is_empty())
        .map(|(_, line)| indent(line))
        .min()
        .unwrap_or(0);
    let stripped: Vec<&str> = lines
        .iter()
        .map(|line| {
            // Every considered line has at least `common` leading blanks; shorter lines are blank.
            let cut = line.char_indices().nth(common).map_or(line.len(), |(i, _)| i);
            let cut = if indent(line) >= common { cut } else { line.len() };
            line[cut..].trim_end_matches([' ', '\t'])
        })
        .collect();
    unescape(&stripped.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_blocks() {
        assert_eq!(text_block("    Foo\n        Baz\n\n  \n    Bar\n    ").unwrap(), "Foo\n    Baz\n\n\nBar\n");
        assert_eq!(text_block("    ").unwrap(), "");
        assert_eq!(text_block("\n    ").unwrap(), "\n");
        assert_eq!(text_block("    Hello").unwrap(), "Hello");
        assert_eq!(text_block("    Foo\n        Baz\n    Bar\n").unwrap(), "    Foo\n        Baz\n    Bar\n");
        assert_eq!(text_block("    Hi \\\n    there").unwrap(), "Hi there");
        assert_eq!(text_block("    \"Hi\\\"").unwrap(), "\"Hi\"");
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\u00e9\uD83D\uDE00\n").unwrap(), "a\u{e9}\u{1F600}\n");
        assert!(unescape(r"\'").is_err());
        assert!(unescape(r"\ua").is_err());
        assert!(unescape(r"\uD83D").is_err());
    }
}

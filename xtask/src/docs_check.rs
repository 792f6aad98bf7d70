//! Rendered docs keep the model's text: for every `@documentation` value, the text a browser
//! shows of the HTML (html5ever, through scraper) and the text of our Markdown (pulldown-cmark)
//! are the same characters, whitespace aside. Our documented conventions are applied to the
//! HTML side first: `<note>` and `<important>` get a label, `<fullname>` is dropped. Text that
//! looks like a tag (`<cluster-id>`) is set aside on both sides: a browser drops it as an
//! unknown element, while we keep it as the text the author meant.

use std::path::Path;

use serde_json::Value;

/// How many docs kept their text, of how many; the first differences, if any.
pub struct Report {
    pub total: usize,
    pub differing: Vec<String>,
}

pub fn check(models: &[&Path]) -> Result<Report, String> {
    let mut report = Report { total: 0, differing: Vec::new() };
    for path in models {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // IDL files are checked through the JSON AST models; these are JSON.
        let Ok(model) = serde_json::from_str::<Value>(&text) else { continue };
        let mut docs = Vec::new();
        documentation(&model, &mut docs);
        for doc in docs {
            report.total += 1;
            let ours = visible(&markdown_text(&codegen::docs::to_markdown(doc).join("\n")));
            let theirs = visible(&html_text(&with_conventions(doc)));
            if ours != theirs {
                report.differing.push(format!("{}: {doc}", path.display()));
            }
        }
    }
    Ok(report)
}

fn documentation<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("smithy.api#documentation", Value::String(doc)) => out.push(doc),
                    _ => documentation(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| documentation(v, out)),
        _ => {}
    }
}

fn with_conventions(doc: &str) -> String {
    let mut doc = doc.replace("<note>", "<note>Note: ").replace("<important>", "<important>Important: ");
    while let (Some(start), Some(end)) = (doc.find("<fullname>"), doc.find("</fullname>")) {
        if end < start {
            break;
        }
        doc.replace_range(start..end + "</fullname>".len(), "");
    }
    doc
}

fn html_text(doc: &str) -> String {
    scraper::Html::parse_fragment(doc).root_element().text().collect()
}

fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::Event;
    pulldown_cmark::Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.into_string()),
            _ => None,
        })
        .collect()
}

/// The characters that show: whitespace and tag-like runs (`<x ...>`, `</x>`) left out.
fn visible(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let tag_like = chars[i] == '<' && chars.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == '/');
        if let Some(end) = chars[i..].iter().position(|c| *c == '>').filter(|_| tag_like) {
            i += end + 1;
            continue;
        }
        if !chars[i].is_whitespace() {
            out.push(chars[i]);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_sees_lost_and_kept_text() {
        let same = |html: &str| {
            visible(&markdown_text(&codegen::docs::to_markdown(html).join("\n")))
                == visible(&html_text(&with_conventions(html)))
        };
        assert!(same(
            "<p>Use <code>x</code> or <a href=\"https://e.com\">the guide</a>.</p><ul><li>one</li><li>two</li></ul>"
        ));
        assert!(same("<p>A</p><note><p>careful</p></note>"));
        assert!(same("<fullname>Svc</fullname><p>Does things.</p>"));
        assert!(same("<p>Format: &lt;bucket&gt;/&lt;key&gt; with 1 &lt; 2</p>"));
        // The check itself: text that differs is seen.
        assert_ne!(visible("a b"), visible("a c"));
        assert_eq!(visible("a <x-y> b\n c"), "abc");
    }

    #[test]
    fn the_fixture_models_docs_keep_their_text() {
        let root = crate::root();
        let mut models = codegen::model::files(&[root.join("codegen/tests/fixtures"), root.join("model")]).unwrap();
        models.retain(|m| m.extension().is_some_and(|e| e == "json"));
        let paths: Vec<&Path> = models.iter().map(std::path::PathBuf::as_path).collect();
        let report = check(&paths).unwrap();
        assert!(report.total > 100, "{} docs", report.total);
        assert!(report.differing.is_empty(), "{:#?}", report.differing);
    }
}

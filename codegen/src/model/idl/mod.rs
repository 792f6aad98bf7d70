//! The Smithy IDL (`.smithy` files, IDL 1.0 and 2.0): each file becomes the JSON AST document it
//! stands for, which [`super::load_str`] and friends then load like any other JSON AST file.
//!
//! The translation does what the IDL defines and nothing the semantic model does: relative
//! shape ids are resolved (use statements, then shapes of the file's namespace, then the
//! prelude, else the file's namespace), documentation comments become `smithy.api#documentation`,
//! `member: T = value` becomes `smithy.api#default` (`smithy.api#enumValue` in enums), inline
//! operation input and output become structures with `@input`/`@output`, elided targets (`$id`)
//! are looked up in the `for` resource and the mixins, and `apply` statements are merged into
//! the shapes of the file they name (others stay `"type": "apply"` entries). Mixins themselves
//! are left to the loader, which flattens them.
//!
//! Elided targets, mixin checks and the value of a trait written without one (`@tags` is `[]`,
//! `@sensitive` is `{}`) may depend on shapes of other files: [`parse_with`] takes those files'
//! JSON AST.

mod lower;
mod prelude;
mod syntax;
mod text;

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Location};

/// A JSON value; the JSON AST documents this module produces.
pub type Json = Value;

/// A JSON object.
pub type JsonMap = serde_json::Map<String, Value>;

/// The JSON AST of one IDL file, and what was odd but allowed in it.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// `{"smithy": "2.0", "metadata": {...}, "shapes": {...}}`.
    pub ast: Value,
    /// Located warnings, such as unknown control statements (which the spec says to ignore).
    pub warnings: Vec<Error>,
}

/// Parses one IDL file into its JSON AST document. `path` is only used in errors.
pub fn parse(path: &Path, text: &str) -> Result<Value, Error> {
    parse_with(path, text, &Value::Null).map(|parsed| parsed.ast)
}

/// Like [`parse`], with the JSON AST of the model's other files (one document, or an array of
/// documents) for the shapes this file refers to: mixins and `for` resources of elided members,
/// trait definitions (for the value of a trait written without one), and shapes of this
/// namespace defined elsewhere (which relative ids resolve to before the prelude).
pub fn parse_with(path: &Path, text: &str, known: &Value) -> Result<Parsed, Error> {
    parse_known(path, text, &[known])
}

/// Parses the IDL files of one model together, so each can refer to shapes of the others
/// (`known`: JSON AST documents of the model's non-IDL files, or `Value::Null`). The result
/// has one entry per file, in order. The first error of a file that cannot be parsed is
/// returned.
pub fn parse_files(files: &[(&Path, &str)], known: &Value) -> Result<Vec<Parsed>, Error> {
    // Elided members and mixins may need shapes of files not parsed yet: parse what parses,
    // then retry the rest with those, until nothing more parses.
    let mut done: Vec<Option<Parsed>> = vec![None; files.len()];
    loop {
        let mut progress = false;
        let mut first_error = None;
        for (i, (path, text)) in files.iter().enumerate() {
            if done[i].is_some() {
                continue;
            }
            let mut docs: Vec<&Value> = vec![known];
            docs.extend(done.iter().flatten().map(|p| &p.ast));
            match parse_known(path, text, &docs) {
                Ok(parsed) => {
                    done[i] = Some(parsed);
                    progress = true;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            None => break,
            Some(e) if !progress => return Err(e),
            Some(_) => {}
        }
    }
    // Once every file is known, each is parsed again with all the others, so that name
    // resolution and trait values see the whole model whatever the file order.
    let firsts: Vec<Parsed> = done.into_iter().flatten().collect();
    let mut docs: Vec<&Value> = vec![known];
    docs.extend(firsts.iter().map(|p| &p.ast));
    files.iter().map(|(path, text)| parse_known(path, text, &docs)).collect()
}

fn parse_known(path: &Path, text: &str, known: &[&Value]) -> Result<Parsed, Error> {
    let locate = |(pos, message): (usize, String)| {
        let (line, column) = syntax::line_col(text, pos);
        Error { file: Some(path.to_owned()), location: Location::Position { line, column }, message }
    };
    let file = syntax::Parser::new(text).parse().map_err(locate)?;
    let ast = lower::Lowering::new(&file, text, known).and_then(lower::Lowering::lower).map_err(locate)?;
    let warnings = file.warnings.iter().map(|(pos, message)| locate((*pos, message.clone()))).collect();
    Ok(Parsed { ast, warnings })
}

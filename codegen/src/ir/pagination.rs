//! `@paginated` resolved to fields: tokens and items found through member paths, checked
//! against the types the spec allows. What the generator cannot honour is a warning on the
//! operation, which then has no paginator; it never fails the model.

use super::{RustType, StructId, Structure};
use crate::error::Error;
use crate::model::{Model, Paginated, Shape};
use crate::transform::Selection;

/// The members a paginator reads and writes.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The input field (index) that carries the token: a top-level member, as the spec says.
    pub input_token: usize,
    /// Where the output carries the next token.
    pub output_token: MemberPath,
    /// The token's type: a string, or a map (DynamoDB's `ExclusiveStartKey`).
    pub token: RustType,
    /// The input field (index) that sets the page size, and its integer type.
    pub page_size: Option<(usize, RustType)>,
    /// Where the output holds the page's items, and their collection type (a list or a map).
    pub items: Option<(MemberPath, RustType)>,
}

/// A path of fields from an operation's output through nested structures (`EngineDefaults.Marker`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberPath {
    pub steps: Vec<PathStep>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathStep {
    pub structure: StructId,
    pub field: usize,
}

/// The operation's `@paginated` trait completed by the service's (the spec lets a service state
/// the member names its operations share), resolved against its input and output.
pub fn build(
    model: &Model,
    selection: &Selection,
    op: &Shape,
    structures: &[Structure],
    input: StructId,
    output: StructId,
    warnings: &mut Vec<Error>,
) -> Option<Pagination> {
    let own = op.traits.paginated.as_ref()?;
    let service = model.shapes[&selection.service].traits.paginated.clone().unwrap_or_default();
    match resolve(own, &service, structures, input, output) {
        Ok(pagination) => Some(pagination),
        Err(problem) => {
            warnings.push(Error::shape(&op.id, format!("@paginated: {problem}; the operation gets no paginator")));
            None
        }
    }
}

fn resolve(
    own: &Paginated,
    service: &Paginated,
    structures: &[Structure],
    input: StructId,
    output: StructId,
) -> Result<Pagination, String> {
    if let Some(problem) = own.problem.as_ref().or(service.problem.as_ref()) {
        return Err(problem.clone());
    }
    let pick = |own: &Option<String>, inherited: &Option<String>| own.clone().or_else(|| inherited.clone());
    let (Some(input_token), Some(output_token)) =
        (pick(&own.input_token, &service.input_token), pick(&own.output_token, &service.output_token))
    else {
        return Err("inputToken and outputToken are required".into());
    };
    let top_level = |path: &str, role: &str| -> Result<usize, String> {
        let (found, _) = walk(structures, input, path, role)?;
        match found.steps.as_slice() {
            [only] => Ok(only.field),
            _ => Err(format!("the {role} `{path}` must be a top-level input member")),
        }
    };
    let input_field = top_level(&input_token, "input token")?;
    let token = structures[input.0].fields[input_field].ty.clone();
    let (output_path, output_ty) = walk(structures, output, &output_token, "output token")?;
    if !matches!(token, RustType::String | RustType::Map { .. }) {
        return Err(format!("the input token `{input_token}` must be a string or a map"));
    }
    if output_ty != token {
        return Err(format!("the output token `{output_token}` does not have the input token's type"));
    }
    let page_size = match pick(&own.page_size, &service.page_size) {
        None => None,
        Some(path) => {
            let field = top_level(&path, "page size")?;
            let ty = structures[input.0].fields[field].ty.clone();
            if !ty.is_integer() {
                return Err(format!("the page size `{path}` must be an integer"));
            }
            Some((field, ty))
        }
    };
    let items = match pick(&own.items, &service.items) {
        None => None,
        Some(path) => {
            let (steps, ty) = walk(structures, output, &path, "items")?;
            if !matches!(ty, RustType::List { .. } | RustType::Map { .. }) {
                return Err(format!("the items `{path}` must be a list or a map"));
            }
            Some((steps, ty))
        }
    };
    Ok(Pagination { input_token: input_field, output_token: output_path, token, page_size, items })
}

/// Follows a dotted member path from `from`; gives the steps and the type at its end.
fn walk(structures: &[Structure], from: StructId, path: &str, role: &str) -> Result<(MemberPath, RustType), String> {
    let mut steps = Vec::new();
    let mut at = from;
    let mut ty = None;
    for (n, member) in path.split('.').enumerate() {
        if n > 0 {
            match ty.take() {
                Some(RustType::Structure(next)) => at = next,
                _ => return Err(format!("the {role} path `{path}` goes through a member that is not a structure")),
            }
        }
        let s = &structures[at.0];
        let field = s
            .fields
            .iter()
            .position(|f| f.member == member)
            .ok_or_else(|| format!("the {role} member `{member}` does not exist in `{}`", s.shape))?;
        steps.push(PathStep { structure: at, field });
        ty = Some(s.fields[field].ty.clone());
    }
    let ty = ty.ok_or_else(|| format!("the {role} path is empty"))?;
    Ok((MemberPath { steps }, ty))
}

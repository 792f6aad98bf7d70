//! Smithy shape ids: `namespace#Name` and `namespace#Name$member`.

use std::fmt;

/// An absolute shape id. Ordered by namespace, name, then member, so maps keyed by it are deterministic.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShapeId {
    namespace: String,
    name: String,
    member: Option<String>,
}

impl ShapeId {
    /// Parses an absolute shape id; returns a description of what is wrong otherwise.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (namespace, rest) =
            text.split_once('#').ok_or_else(|| format!("`{text}` is not an absolute shape id (no `#`)"))?;
        let (name, member) = match rest.split_once('$') {
            Some((name, member)) => (name, Some(member)),
            None => (rest, None),
        };
        let namespace_ok = !namespace.is_empty() && namespace.split('.').all(is_identifier);
        if !namespace_ok || !is_identifier(name) || !member.is_none_or(is_identifier) {
            return Err(format!("`{text}` is not a valid shape id"));
        }
        Ok(Self { namespace: namespace.to_owned(), name: name.to_owned(), member: member.map(str::to_owned) })
    }

    /// A prelude (`smithy.api`) shape id.
    pub fn prelude(name: &str) -> Self {
        Self { namespace: "smithy.api".to_owned(), name: name.to_owned(), member: None }
    }

    /// The namespace, e.g. `com.example`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The shape name without namespace or member.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The member name, for member ids.
    pub fn member(&self) -> Option<&str> {
        self.member.as_deref()
    }

    /// The id of the shape that contains this member (or this id itself).
    pub fn root(&self) -> Self {
        Self { member: None, ..self.clone() }
    }

    /// The id of member `member` of this shape.
    pub fn with_member(&self, member: &str) -> Self {
        Self { member: Some(member.to_owned()), ..self.clone() }
    }

    /// Whether this is a shape of the Smithy prelude.
    pub fn is_prelude(&self) -> bool {
        self.namespace == "smithy.api"
    }
}

impl fmt::Display for ShapeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.namespace, self.name)?;
        if let Some(member) = &self.member {
            write!(f, "${member}")?;
        }
        Ok(())
    }
}

/// `Identifier` from the Smithy ABNF: `[A-Za-z_][A-Za-z0-9_]*`, not only underscores.
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && text.chars().any(|c| c != '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shape_and_member_ids() {
        let id = ShapeId::parse("com.example#Shape$member").unwrap();
        assert_eq!(id.namespace(), "com.example");
        assert_eq!(id.name(), "Shape");
        assert_eq!(id.member(), Some("member"));
        assert_eq!(id.to_string(), "com.example#Shape$member");
        assert_eq!(id.root().to_string(), "com.example#Shape");
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in ["Shape", "#Shape", "ns#", "ns#1abc", "ns..x#A", "ns#A$", "ns#A$b-c", "ns#__"] {
            assert!(ShapeId::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}

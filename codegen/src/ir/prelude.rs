//! Which std items the generated code may name by their prelude names. Written short
//! (`Option<String>`, `Some(x)`) they are a fifth of the tokens of a crate fewer than written in
//! full (`::std::option::Option`), which is that much less for the generator to format and for
//! rustc to read. A crate that defines an item of the same name (a shape called `Option` or
//! `String`: real services have them) would shadow the prelude in that item's module, so there
//! the item is written in full, everywhere in the crate.

/// A std item the generated code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StdItem {
    Option,
    Some,
    None,
    Result,
    Ok,
    Err,
    String,
    Vec,
    Box,
    Into,
    From,
    Default,
    Send,
    Sync,
}

impl StdItem {
    const ALL: [StdItem; 14] = [
        StdItem::Option,
        StdItem::Some,
        StdItem::None,
        StdItem::Result,
        StdItem::Ok,
        StdItem::Err,
        StdItem::String,
        StdItem::Vec,
        StdItem::Box,
        StdItem::Into,
        StdItem::From,
        StdItem::Default,
        StdItem::Send,
        StdItem::Sync,
    ];

    /// Its full path below `::std`, ending in the name the prelude gives it.
    pub fn path(self) -> &'static [&'static str] {
        match self {
            StdItem::Option => &["option", "Option"],
            StdItem::Some => &["option", "Option", "Some"],
            StdItem::None => &["option", "Option", "None"],
            StdItem::Result => &["result", "Result"],
            StdItem::Ok => &["result", "Result", "Ok"],
            StdItem::Err => &["result", "Result", "Err"],
            StdItem::String => &["string", "String"],
            StdItem::Vec => &["vec", "Vec"],
            StdItem::Box => &["boxed", "Box"],
            StdItem::Into => &["convert", "Into"],
            StdItem::From => &["convert", "From"],
            StdItem::Default => &["default", "Default"],
            StdItem::Send => &["marker", "Send"],
            StdItem::Sync => &["marker", "Sync"],
        }
    }

    pub fn prelude_name(self) -> &'static str {
        self.path().last().copied().unwrap_or_default()
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// The std items the crate must name in full: those whose prelude name is also the name of an
/// item the crate defines (the prelude imports `Some` itself, so a type `Option` leaves it be).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prelude {
    shadowed: u32,
}

impl Prelude {
    /// From every name the crate gives its items (types, builders, operations, errors).
    pub fn new<'a>(defined: impl IntoIterator<Item = &'a str>) -> Prelude {
        let mut shadowed = 0;
        for name in defined {
            for item in StdItem::ALL {
                if item.prelude_name() == name {
                    shadowed |= item.bit();
                }
            }
        }
        Prelude { shadowed }
    }

    /// Whether `item` must be written as its full path.
    pub fn qualified(self, item: StdItem) -> bool {
        self.shadowed & item.bit() != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_named_like_a_prelude_item_qualifies_just_that_item() {
        let prelude = Prelude::new(["Option", "GetThing", "Box"]);
        for item in [StdItem::Option, StdItem::Box] {
            assert!(prelude.qualified(item), "{item:?}");
        }
        for item in [StdItem::Some, StdItem::None, StdItem::String, StdItem::Result, StdItem::Ok, StdItem::Vec] {
            assert!(!prelude.qualified(item), "{item:?}");
        }
    }

    #[test]
    fn an_item_named_like_a_variant_qualifies_only_the_variant() {
        let prelude = Prelude::new(["Ok"]);
        assert!(prelude.qualified(StdItem::Ok));
        assert!(!prelude.qualified(StdItem::Result));
        assert!(!prelude.qualified(StdItem::Err));
    }

    #[test]
    fn nothing_defined_nothing_qualified() {
        let prelude = Prelude::new([]);
        assert!(StdItem::ALL.iter().all(|&item| !prelude.qualified(item)));
        assert_eq!(StdItem::Some.prelude_name(), "Some");
    }
}

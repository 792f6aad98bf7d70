//! The std items' paths as the crate writes them: short where [`Prelude`] allows it.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};

use crate::ir::{Crate, Prelude, StdItem};

/// One std item, quoted as its prelude name or as its full path.
#[derive(Clone, Copy, Debug)]
pub struct StdPath {
    item: StdItem,
    qualified: bool,
}

impl ToTokens for StdPath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if !self.qualified {
            tokens.append(Ident::new(self.item.prelude_name(), Span::call_site()));
            return;
        }
        for segment in std::iter::once(&"std").chain(self.item.path()) {
            tokens.append(Punct::new(':', Spacing::Joint));
            tokens.append(Punct::new(':', Spacing::Alone));
            tokens.append(Ident::new(segment, Span::call_site()));
        }
    }
}

/// Every std item the generated code names, to bind before quoting:
/// `let Std { option, some, .. } = Std::of(k);`, then `quote!(#option<T>)`, `quote!(#some(x))`.
#[derive(Clone, Copy, Debug)]
pub struct Std {
    pub option: StdPath,
    pub some: StdPath,
    pub none: StdPath,
    pub result: StdPath,
    pub ok: StdPath,
    pub err: StdPath,
    pub string: StdPath,
    pub vec: StdPath,
    pub boxed: StdPath,
    pub into: StdPath,
    pub from: StdPath,
    pub default: StdPath,
    pub send: StdPath,
    pub sync: StdPath,
}

impl Std {
    pub fn of(k: &Crate) -> Std {
        Std::with(k.prelude)
    }

    fn with(prelude: Prelude) -> Std {
        let path = |item| StdPath { item, qualified: prelude.qualified(item) };
        Std {
            option: path(StdItem::Option),
            some: path(StdItem::Some),
            none: path(StdItem::None),
            result: path(StdItem::Result),
            ok: path(StdItem::Ok),
            err: path(StdItem::Err),
            string: path(StdItem::String),
            vec: path(StdItem::Vec),
            boxed: path(StdItem::Box),
            into: path(StdItem::Into),
            from: path(StdItem::From),
            default: path(StdItem::Default),
            send: path(StdItem::Send),
            sync: path(StdItem::Sync),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_unless_shadowed() {
        let std = Std::with(Prelude::new(["Option"]));
        assert_eq!(std.option.to_token_stream().to_string(), ":: std :: option :: Option");
        assert_eq!(std.some.to_token_stream().to_string(), "Some");
        assert_eq!(std.string.to_token_stream().to_string(), "String");
    }
}

//! JMESPath expressions of waiters' path matchers, parsed into a syntax tree: the grammar of
//! jmespath.org's specification, a Pratt parser with its binding powers, so projections stop
//! where the reference implementations stop them. `waiters.rs` types the tree against the
//! operation's shapes.

use serde_json::Value;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    /// `@`: the value being evaluated.
    Current,
    Field(String),
    /// `left.right`, and `left | right`: `right` evaluated on `left`'s value.
    Sub(Box<Ast>, Box<Ast>),
    /// `left[n]`.
    Index(Box<Ast>, i64),
    /// `right` evaluated on each item of `left`, nulls dropped.
    Projection(Box<Ast>, Box<Ast>),
    /// `left[]`: nested lists made one.
    Flatten(Box<Ast>),
    /// `left[?condition]` then `right` on each item kept.
    Filter {
        list: Box<Ast>,
        condition: Box<Ast>,
        each: Box<Ast>,
    },
    Compare(Comparison, Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    /// `` `json` `` or `'raw string'`.
    Literal(Value),
    Function(String, Vec<Ast>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Parses `text`; the error says what was expected where.
pub fn parse(text: &str) -> Result<Ast, String> {
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let ast = parser.expression(0)?;
    match parser.peek() {
        Token::End => Ok(ast),
        other => Err(format!("unexpected {} at the end of the expression", other.describe())),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Identifier(String),
    QuotedIdentifier(String),
    Literal(Value),
    Number(i64),
    Dot,
    Star,
    At,
    LBracket,
    RBracket,
    /// `[]`
    Flatten,
    /// `[?`
    Filter,
    LParen,
    RParen,
    LBrace,
    Comma,
    Colon,
    Pipe,
    Or,
    And,
    Not,
    Compare(Comparison),
    End,
}

impl Token {
    /// The binding powers of jmespath.org's reference parser.
    fn binding_power(&self) -> u8 {
        match self {
            Token::Pipe => 1,
            Token::Or => 2,
            Token::And => 3,
            Token::Compare(_) => 5,
            Token::Flatten => 9,
            Token::Star => 20,
            Token::Filter => 21,
            Token::Dot => 40,
            Token::Not => 45,
            Token::LBrace => 50,
            Token::LBracket => 55,
            Token::LParen => 60,
            _ => 0,
        }
    }

    fn describe(&self) -> String {
        match self {
            Token::Identifier(name) | Token::QuotedIdentifier(name) => format!("identifier `{name}`"),
            Token::Literal(value) => format!("literal {value}"),
            Token::Number(n) => format!("number {n}"),
            Token::End => "end of expression".to_owned(),
            other => format!("`{}`", other.text()),
        }
    }

    fn text(&self) -> &'static str {
        match self {
            Token::Dot => ".",
            Token::Star => "*",
            Token::At => "@",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Flatten => "[]",
            Token::Filter => "[?",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBrace => "{",
            Token::Comma => ",",
            Token::Colon => ":",
            Token::Pipe => "|",
            Token::Or => "||",
            Token::And => "&&",
            Token::Not => "!",
            Token::Compare(Comparison::Eq) => "==",
            Token::Compare(Comparison::Ne) => "!=",
            Token::Compare(Comparison::Lt) => "<",
            Token::Compare(Comparison::Le) => "<=",
            Token::Compare(Comparison::Gt) => ">",
            Token::Compare(Comparison::Ge) => ">=",
            _ => "",
        }
    }
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let next_is = |i: usize, c: char| chars.get(i) == Some(&c);
    while i < chars.len() {
        let c = chars[i];
        let (token, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '.' => (Token::Dot, 1),
            '*' => (Token::Star, 1),
            '@' => (Token::At, 1),
            ']' => (Token::RBracket, 1),
            '(' => (Token::LParen, 1),
            ')' => (Token::RParen, 1),
            '{' => (Token::LBrace, 1),
            ',' => (Token::Comma, 1),
            ':' => (Token::Colon, 1),
            '[' if next_is(i + 1, ']') => (Token::Flatten, 2),
            '[' if next_is(i + 1, '?') => (Token::Filter, 2),
            '[' => (Token::LBracket, 1),
            '|' if next_is(i + 1, '|') => (Token::Or, 2),
            '|' => (Token::Pipe, 1),
            '&' if next_is(i + 1, '&') => (Token::And, 2),
            '!' if next_is(i + 1, '=') => (Token::Compare(Comparison::Ne), 2),
            '!' => (Token::Not, 1),
            '=' if next_is(i + 1, '=') => (Token::Compare(Comparison::Eq), 2),
            '<' if next_is(i + 1, '=') => (Token::Compare(Comparison::Le), 2),
            '<' => (Token::Compare(Comparison::Lt), 1),
            '>' if next_is(i + 1, '=') => (Token::Compare(Comparison::Ge), 2),
            '>' => (Token::Compare(Comparison::Gt), 1),
            '\'' => {
                let (raw, len) = delimited(&chars[i..], '\'')?;
                // A raw string's only escape is `\'`.
                (Token::Literal(Value::String(raw.replace("\\'", "'"))), len)
            }
            '`' => {
                let (json, len) = delimited(&chars[i..], '`')?;
                let json = json.replace("\\`", "`");
                let value = serde_json::from_str(json.trim()).map_err(|e| format!("invalid literal `{json}`: {e}"))?;
                (Token::Literal(value), len)
            }
            '"' => {
                let (quoted, len) = delimited(&chars[i..], '"')?;
                let name = serde_json::from_str(&format!("\"{quoted}\""))
                    .map_err(|e| format!("invalid quoted identifier \"{quoted}\": {e}"))?;
                (Token::QuotedIdentifier(name), len)
            }
            '-' | '0'..='9' => {
                let digits = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                let number: String = chars[i..i + 1 + digits].iter().collect();
                let n = number.parse().map_err(|_| format!("invalid number `{number}`"))?;
                (Token::Number(n), 1 + digits)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let len = chars[i..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count();
                (Token::Identifier(chars[i..i + len].iter().collect()), len)
            }
            other => return Err(format!("unexpected character `{other}` at offset {i}")),
        };
        tokens.push(token);
        i += len;
    }
    tokens.push(Token::End);
    Ok(tokens)
}

/// The text between `quote` and the next unescaped `quote` (escapes kept), and the length
/// taken with both quotes.
fn delimited(chars: &[char], quote: char) -> Result<(String, usize), String> {
    let mut text = String::new();
    let mut i = 1;
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            text.push(c);
            if let Some(&next) = chars.get(i + 1) {
                text.push(next);
            }
            i += 2;
            continue;
        }
        if c == quote {
            return Ok((text, i + 1));
        }
        text.push(c);
        i += 1;
    }
    Err(format!("unterminated `{quote}`"))
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

/// Projections take what binds tighter than this (`.`, `[`, `[?`) as their right side.
const PROJECTION_STOP: u8 = 10;

impl Parser {
    fn peek(&self) -> &Token {
        self.tokens.get(self.at).unwrap_or(&Token::End)
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        self.at += 1;
        token
    }

    fn expect(&mut self, token: Token) -> Result<(), String> {
        let found = self.next();
        if found == token {
            Ok(())
        } else {
            Err(format!("expected `{}`, found {}", token.text(), found.describe()))
        }
    }

    fn expression(&mut self, binding_power: u8) -> Result<Ast, String> {
        let token = self.next();
        let mut left = self.nud(token)?;
        while binding_power < self.peek().binding_power() {
            let token = self.next();
            left = self.led(token, left)?;
        }
        Ok(left)
    }

    fn nud(&mut self, token: Token) -> Result<Ast, String> {
        match token {
            Token::Identifier(name) | Token::QuotedIdentifier(name) => Ok(Ast::Field(name)),
            Token::Literal(value) => Ok(Ast::Literal(value)),
            Token::At => Ok(Ast::Current),
            Token::Not => Ok(Ast::Not(Box::new(self.expression(Token::Not.binding_power())?))),
            Token::LParen => {
                let inner = self.expression(0)?;
                self.expect(Token::RParen)?;
                Ok(inner)
            }
            Token::Flatten => {
                let right = self.projection_rhs(Token::Flatten.binding_power())?;
                Ok(Ast::Projection(Box::new(Ast::Flatten(Box::new(Ast::Current))), Box::new(right)))
            }
            Token::Filter => self.filter(Ast::Current),
            Token::LBracket => self.bracket(Ast::Current),
            other => Err(format!("unexpected {}", other.describe())),
        }
    }

    fn led(&mut self, token: Token, left: Ast) -> Result<Ast, String> {
        match token {
            Token::Dot => {
                let right = self.dot_rhs(Token::Dot.binding_power())?;
                Ok(Ast::Sub(Box::new(left), Box::new(right)))
            }
            Token::Pipe => Ok(Ast::Sub(Box::new(left), Box::new(self.expression(Token::Pipe.binding_power())?))),
            Token::Or => Ok(Ast::Or(Box::new(left), Box::new(self.expression(Token::Or.binding_power())?))),
            Token::And => Ok(Ast::And(Box::new(left), Box::new(self.expression(Token::And.binding_power())?))),
            Token::Compare(op) => {
                let right = self.expression(Token::Compare(op).binding_power())?;
                Ok(Ast::Compare(op, Box::new(left), Box::new(right)))
            }
            Token::Flatten => {
                let right = self.projection_rhs(Token::Flatten.binding_power())?;
                Ok(Ast::Projection(Box::new(Ast::Flatten(Box::new(left))), Box::new(right)))
            }
            Token::Filter => self.filter(left),
            Token::LBracket => self.bracket(left),
            Token::LParen => {
                let Ast::Field(name) = left else {
                    return Err("`(` after something other than a function name".into());
                };
                let mut args = Vec::new();
                while *self.peek() != Token::RParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Token::Comma {
                        self.next();
                    }
                }
                self.expect(Token::RParen)?;
                Ok(Ast::Function(name, args))
            }
            other => Err(format!("unexpected {}", other.describe())),
        }
    }

    /// After `[?`: the condition, `]`, then what each kept item becomes.
    fn filter(&mut self, list: Ast) -> Result<Ast, String> {
        let condition = self.expression(0)?;
        self.expect(Token::RBracket)?;
        let each = if *self.peek() == Token::Flatten {
            Ast::Current
        } else {
            self.projection_rhs(Token::Filter.binding_power())?
        };
        Ok(Ast::Filter { list: Box::new(list), condition: Box::new(condition), each: Box::new(each) })
    }

    /// After `[`: an index (`[0]`, `[-1]`) or a list projection (`[*]`).
    fn bracket(&mut self, left: Ast) -> Result<Ast, String> {
        match self.next() {
            Token::Number(_) | Token::Colon if *self.peek() == Token::Colon => Err("slices are not supported".into()),
            Token::Number(n) => {
                self.expect(Token::RBracket)?;
                Ok(Ast::Index(Box::new(left), n))
            }
            Token::Star => {
                self.expect(Token::RBracket)?;
                let right = self.projection_rhs(Token::Star.binding_power())?;
                Ok(Ast::Projection(Box::new(left), Box::new(right)))
            }
            other => Err(format!("{} in `[...]`: slices and multi-select lists are not supported", other.describe())),
        }
    }

    fn projection_rhs(&mut self, binding_power: u8) -> Result<Ast, String> {
        match self.peek() {
            t if t.binding_power() < PROJECTION_STOP => Ok(Ast::Current),
            Token::LBracket | Token::Filter => self.expression(binding_power),
            Token::Dot => {
                self.next();
                self.dot_rhs(binding_power)
            }
            other => Err(format!("unexpected {} after a projection", other.describe())),
        }
    }

    fn dot_rhs(&mut self, binding_power: u8) -> Result<Ast, String> {
        match self.peek() {
            Token::Identifier(_) | Token::QuotedIdentifier(_) => self.expression(binding_power),
            other => Err(format!(
                "{} after `.`: only member names are supported (no wildcards or multi-select)",
                other.describe()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str) -> Box<Ast> {
        Box::new(Ast::Field(name.into()))
    }

    #[test]
    fn sub_expressions_and_projections_nest_as_the_reference_parser_does() {
        assert_eq!(parse("Table.TableStatus").unwrap(), Ast::Sub(field("Table"), field("TableStatus")));
        // `a[].b`: `.b` is applied to each item of the flattened `a`.
        assert_eq!(
            parse("Items[].Status").unwrap(),
            Ast::Projection(Box::new(Ast::Flatten(field("Items"))), field("Status"))
        );
        // A pipe stops the projection: `[0]` indexes the projected list.
        assert_eq!(
            parse("Items[*].Status | [0]").unwrap(),
            Ast::Sub(
                Box::new(Ast::Projection(field("Items"), field("Status"))),
                Box::new(Ast::Index(Box::new(Ast::Current), 0))
            )
        );
    }

    #[test]
    fn functions_comparisons_filters_and_logic() {
        let parsed =
            parse("length(D) > `0`  && length(D[?S == 'DISABLED' || S == 'ENABLE_FAILED']) ==  length(D)").unwrap();
        let Ast::And(left, right) = parsed else { panic!("expected &&: {parsed:?}") };
        assert_eq!(
            *left,
            Ast::Compare(
                Comparison::Gt,
                Box::new(Ast::Function("length".into(), vec![Ast::Field("D".into())])),
                Box::new(Ast::Literal(serde_json::json!(0)))
            )
        );
        let Ast::Compare(Comparison::Eq, filtered, _) = *right else { panic!("expected ==") };
        let Ast::Function(_, args) = *filtered else { panic!("expected length") };
        let Ast::Filter { list, condition, each } = &args[0] else { panic!("expected a filter: {args:?}") };
        assert_eq!((&**list, &**each), (&Ast::Field("D".into()), &Ast::Current));
        assert!(matches!(**condition, Ast::Or(..)));
        assert_eq!(parse("!a").unwrap(), Ast::Not(field("a")));
        assert_eq!(parse(r#""quoted id".x"#).unwrap(), Ast::Sub(field("quoted id"), field("x")));
        assert_eq!(parse(r"'it\'s'").unwrap(), Ast::Literal(serde_json::json!("it's")));
    }

    #[test]
    fn what_is_not_jmespath_or_not_supported_is_an_error() {
        for (text, problem) in [
            ("a.", "end of expression after `.`"),
            ("a[", "end of expression in `[...]`"),
            ("a[1:2]", "slices are not supported"),
            ("a[:2]", "`:` in `[...]`"),
            ("a b", "identifier `b` at the end"),
            ("`{", "unterminated"),
            ("a.*", "`*` after `.`"),
            ("a # b", "unexpected character `#`"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(problem), "{text}: {error}");
        }
    }
}

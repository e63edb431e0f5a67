//! Pins the generated client's public surface in a snapshot a reviewer can read.
//!
//! Walks `crates/tallyfy-client/src/generated.rs` with `syn`: for every operation its method, path,
//! Rust name, parameters and response type; for every generated type its fields or variants. A spec
//! change then shows up as a small diff of `snapshots/generated_surface__surface.snap`.

use quote::ToTokens;
use std::fmt::Write;
use syn::visit::Visit;

const GENERATED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/tallyfy-client/src/generated.rs"
);

/// Token text with the spacing `quote` adds removed and well-known paths shortened.
fn tidy(tokens: impl ToTokens) -> String {
    let raw = tokens.to_token_stream().to_string();
    let chars: Vec<char> = raw.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let keep = (word(prev) && (word(next) || next == '\'')) || prev == ',';
            if keep {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::num::", ""),
        ("::std::collections::", ""),
        ("::serde_json::", "serde_json::"),
        ("crate::", ""),
        ("types::", ""),
    ] {
        out = out.replace(long, short);
    }
    out
}

#[derive(Default)]
struct Operation {
    http_method: String,
    path: String,
}

impl<'ast> Visit<'ast> for Operation {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("format") && self.path.is_empty() {
            let args = mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                .expect("format! arguments");
            let mut args = args.iter();
            let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(template),
                ..
            })) = args.next()
            else {
                return;
            };
            let _baseurl = args.next();
            let mut path = template.value().replacen("{}", "", 1);
            for arg in args {
                let text = tidy(arg);
                // `encode_path(&user_id.to_string())` or `encode_path(org_id)` → the name
                let name = text
                    .trim_start_matches("encode_path(")
                    .trim_start_matches('&')
                    .split(['.', ')'])
                    .next()
                    .unwrap_or(&text)
                    .to_string();
                path = path.replacen("{}", &format!("{{{name}}}"), 1);
            }
            self.path = path;
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        if ["get", "post", "put", "delete", "patch"].contains(&name.as_str())
            && tidy(&call.receiver).ends_with("client")
        {
            self.http_method = name.to_uppercase();
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn operations(file: &syn::File, out: &mut String) {
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if tidy(&imp.self_ty) != "Client" || imp.trait_.is_some() {
            continue;
        }
        for item in &imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.asyncness.is_none() {
                continue;
            }
            let mut op = Operation::default();
            op.visit_block(&f.block);
            writeln!(out, "{} {} {}", f.sig.ident, op.http_method, op.path).unwrap();
            for input in f.sig.inputs.iter().skip(1) {
                if let syn::FnArg::Typed(pat) = input {
                    writeln!(out, "    {}: {}", tidy(&pat.pat), tidy(&pat.ty)).unwrap();
                }
            }
            if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                writeln!(out, "    -> {}", tidy(ty)).unwrap();
            }
        }
    }
}

fn types(file: &syn::File, out: &mut String) {
    let module = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .expect("a `types` module");
    for item in &module.1 {
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                match &s.fields {
                    syn::Fields::Named(fields) => {
                        writeln!(out, "struct {}", s.ident).unwrap();
                        for f in &fields.named {
                            let name = f.ident.as_ref().unwrap();
                            writeln!(out, "    {name}: {}", tidy(&f.ty)).unwrap();
                        }
                    }
                    syn::Fields::Unnamed(fields) => {
                        let inner: Vec<String> =
                            fields.unnamed.iter().map(|f| tidy(&f.ty)).collect();
                        writeln!(out, "struct {}({})", s.ident, inner.join(", ")).unwrap();
                    }
                    syn::Fields::Unit => writeln!(out, "struct {}", s.ident).unwrap(),
                }
            }
            syn::Item::Enum(e) => {
                writeln!(out, "enum {}", e.ident).unwrap();
                for v in &e.variants {
                    let fields = match &v.fields {
                        syn::Fields::Unnamed(f) => {
                            let inner: Vec<String> =
                                f.unnamed.iter().map(|f| tidy(&f.ty)).collect();
                            format!("({})", inner.join(", "))
                        }
                        _ => String::new(),
                    };
                    writeln!(out, "    {}{fields}", v.ident).unwrap();
                }
            }
            // A replaced schema that keeps its `types::` name (xtask's `reexport_in_types`).
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                writeln!(out, "use {} (hand-written)", tidy(&u.tree)).unwrap();
            }
            _ => {}
        }
    }
}

#[test]
fn surface() {
    let text = std::fs::read_to_string(GENERATED).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let mut out = String::from("# operations\n");
    operations(&file, &mut out);
    out.push_str("\n# types\n");
    types(&file, &mut out);
    insta::assert_snapshot!("surface", out);
}

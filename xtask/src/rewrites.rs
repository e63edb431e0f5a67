//! Passes over progenitor's output, run by [`crate::codegen::generate`]. Each fails the generation if
//! the output stops looking as expected, so a progenitor upgrade cannot quietly undo one:
//! - [`drop_api_version_header`]: an undocumented header, and the header map built for it;
//! - [`swap_runtime_helpers`]: the strict path encoder and `decode_response` instead of
//!   progenitor-client's;
//! - [`reexport_in_types`]: a schema that was generated once and is now replaced by a hand-written
//!   type keeps its `types::` name;
//! - [`multipart_bodies`]: the raw body of a `multipart/form-data` operation becomes a
//!   `crate::Multipart`, sent with its own `Content-Type` (and boundary).
//!
//! The tests that pin their effect on the generated file are in `codegen.rs`.

use anyhow::{Result, bail};

/// progenitor adds an `api-version` header (for the versioned APIs of Oxide's dropshot servers) to
/// every request. Tallyfy defines no such header, so the client would send one the API never
/// documented, and build a header map per request to do it. Remove each `header_map.append` of it;
/// where the map is then empty (an operation without header parameters: all of Tallyfy's), remove the
/// map and its `.headers(header_map)` too. Fail if a progenitor upgrade changes the shape, so the
/// header can never come back unnoticed.
pub fn drop_api_version_header(file: &mut syn::File) -> Result<()> {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;

    #[derive(Default)]
    struct Dropper {
        removed: usize,
        shrunk: usize,
        emptied: usize,
        unchained: usize,
    }

    fn is_api_version_append(stmt: &syn::Stmt) -> bool {
        let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
            return false;
        };
        call.method == "append"
            && call.receiver.to_token_stream().to_string() == "header_map"
            && call
                .args
                .first()
                .is_some_and(|a| a.to_token_stream().to_string().contains("\"api-version\""))
    }

    /// The capacity literal of `let mut header_map = ...::HeaderMap::with_capacity(Nusize);`.
    fn capacity(stmt: &mut syn::Stmt) -> Option<&mut syn::LitInt> {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        if local.pat.to_token_stream().to_string() != "mut header_map" {
            return None;
        }
        let Some(syn::Expr::Call(call)) = local.init.as_mut().map(|i| &mut *i.expr) else {
            return None;
        };
        if !call
            .func
            .to_token_stream()
            .to_string()
            .ends_with("with_capacity")
        {
            return None;
        }
        match call.args.first_mut() {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            })) => Some(n),
            _ => None,
        }
    }

    /// Turns `receiver.headers(header_map)` into `receiver` wherever it occurs.
    struct Unchain(usize);
    impl VisitMut for Unchain {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && call.args[0].to_token_stream().to_string() == "header_map"
            {
                *expr = (*call.receiver).clone();
                self.0 += 1;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }

    impl VisitMut for Dropper {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|s| !is_api_version_append(s));
            let removed = before - block.stmts.len();
            if removed > 0 {
                self.removed += removed;
                let mut empty = false;
                for n in block.stmts.iter_mut().filter_map(capacity) {
                    let value = n.base10_parse::<usize>().unwrap_or(0);
                    if let Some(left) = value.checked_sub(removed) {
                        *n = syn::LitInt::new(&format!("{left}usize"), n.span());
                        self.shrunk += 1;
                        empty = left == 0;
                    }
                }
                if empty {
                    block.stmts.retain_mut(|s| capacity(s).is_none());
                    self.emptied += 1;
                    let mut unchain = Unchain(0);
                    for stmt in &mut block.stmts {
                        unchain.visit_stmt_mut(stmt);
                    }
                    self.unchained += unchain.0;
                }
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }

    let mut dropper = Dropper::default();
    dropper.visit_file_mut(file);
    let text = file.to_token_stream().to_string();
    let left = text.matches("\"api-version\"").count();
    let Dropper {
        removed,
        shrunk,
        emptied,
        unchained,
    } = dropper;
    if removed == 0 || shrunk != removed || unchained != emptied || left != 0 {
        bail!(
            "progenitor's api-version header changed shape (removed {removed}, capacities fixed \
             {shrunk}, maps emptied {emptied}, .headers calls removed {unchained}, left {left}); \
             update drop_api_version_header"
        );
    }
    Ok(())
}

/// Points the generated code at two of the client crate's own helpers instead of progenitor-client's,
/// and fails loudly if a progenitor upgrade changes what is replaced:
/// - `encode_path` leaves `@ + ' ; & = \\` raw; `crate::encode_path_segment` is a strict RFC 3986
///   encoder (the import is swapped, once);
/// - `ResponseValue::from_response` clones every response's header map before reading the body;
///   `crate::decode_response` takes the headers apart from the body instead (every typed success).
pub fn swap_runtime_helpers(code: &str) -> Result<String> {
    const IMPORT_FROM: &str =
        "use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};";
    const IMPORT_TO: &str = "use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt};\n\
                             #[allow(unused_imports)]\n\
                             use crate::encode_path_segment as encode_path;";
    const DECODE_FROM: &str = "ResponseValue::from_response(response).await";
    const DECODE_TO: &str = "crate::decode_response(response).await";

    let imports = code.matches(IMPORT_FROM).count();
    if imports != 1 {
        bail!("expected exactly one `{IMPORT_FROM}` in progenitor's output, found {imports}");
    }
    let code = code.replacen(IMPORT_FROM, IMPORT_TO, 1);
    if !code.contains(DECODE_FROM)
        || code.matches("from_response").count() != code.matches(DECODE_FROM).count()
    {
        bail!(
            "progenitor's output no longer decodes with `{DECODE_FROM}` everywhere; update the swap"
        );
    }
    Ok(code.replace(DECODE_FROM, DECODE_TO))
}

/// A schema that progenitor once generated and that is now replaced by a hand-written type (see
/// `settings` in `codegen.rs`) disappears from the `types` module, which would break every caller
/// that names it as `types::Name`. Re-export each one there under its schema name. Fails if there is
/// no `types` module, or if progenitor still generated an item of that name (the replacement did not
/// take effect).
pub fn reexport_in_types(file: &mut syn::File, names: &[&str]) -> Result<()> {
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        bail!("progenitor's output has no `types` module; update reexport_in_types");
    };
    for name in names {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        let defined = items.iter().any(|item| match item {
            syn::Item::Struct(s) => s.ident == ident,
            syn::Item::Enum(e) => e.ident == ident,
            syn::Item::Type(t) => t.ident == ident,
            _ => false,
        });
        if defined {
            bail!("progenitor still generates types::{name}; is its replacement configured?");
        }
        let reexport: syn::Item = syn::parse_quote! {
            pub use crate::#ident;
        };
        let position = items
            .iter()
            .position(|item| !matches!(item, syn::Item::Use(_)))
            .unwrap_or(items.len());
        items.insert(position, reexport);
    }
    Ok(())
}

/// progenitor sees a multipart operation's body as raw bytes (`body: B` with `B: Into<reqwest::Body>`,
/// sent as `application/octet-stream`; see `codegen::generator_view`). For each operation in
/// `operations`, make the body a `crate::Multipart` and send it with the content type it carries
/// (`multipart/form-data; boundary=...`). Fail unless each one is found in exactly that shape.
pub fn multipart_bodies(file: &mut syn::File, operations: &[String]) -> Result<()> {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;

    struct Typer<'a> {
        operations: &'a [String],
        done: Vec<String>,
        problem: Option<String>,
    }

    impl VisitMut for Typer<'_> {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            let name = f.sig.ident.to_string();
            if !self.operations.contains(&name) {
                return;
            }
            // `<'a, B: Into<reqwest::Body>>` loses `B`; `body: B` becomes `body: crate::Multipart`.
            let before = f.sig.generics.params.len();
            f.sig.generics.params = f
                .sig
                .generics
                .params
                .clone()
                .into_iter()
                .filter(|p| !matches!(p, syn::GenericParam::Type(t) if t.ident == "B"))
                .collect();
            let mut typed = false;
            for input in &mut f.sig.inputs {
                if let syn::FnArg::Typed(arg) = input
                    && arg.pat.to_token_stream().to_string() == "body"
                    && arg.ty.to_token_stream().to_string() == "B"
                {
                    *arg.ty = syn::parse_quote!(crate::Multipart);
                    typed = true;
                }
            }
            let code = f.block.to_token_stream().to_string();
            let octet = "HeaderValue :: from_static (\"application/octet-stream\")";
            if before == f.sig.generics.params.len() || !typed || code.matches(octet).count() != 1 {
                self.problem = Some(format!("{name}: not the raw-body method progenitor writes"));
                return;
            }
            let code = code
                .replace(
                    &format!(":: reqwest :: header :: {octet}"),
                    "body . content_type ()",
                )
                .replace(". body (body)", ". body (body . into_body ())");
            match syn::parse_str::<syn::Block>(&code) {
                Ok(block) => {
                    f.block = block;
                    self.done.push(name);
                }
                Err(e) => self.problem = Some(format!("{name}: {e}")),
            }
        }
    }

    let mut typer = Typer {
        operations,
        done: Vec::new(),
        problem: None,
    };
    typer.visit_file_mut(file);
    if let Some(problem) = typer.problem {
        bail!("multipart body pass: {problem}");
    }
    if typer.done.len() != operations.len() {
        bail!(
            "multipart body pass: found {:?} of {:?}",
            typer.done,
            operations
        );
    }
    Ok(())
}

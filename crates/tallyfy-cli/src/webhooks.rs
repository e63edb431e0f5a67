//! `tallyfy webhooks listen` and `tallyfy webhooks parse`: receiving Tallyfy's webhooks while
//! building a receiver, with the SDK's checks and decoding (`tallyfy::webhooks`).
//!
//! `listen` prints `listening on http://ADDR`, then one JSON line per accepted webhook (`kind`,
//! `process_id`, `task_id`, `dedupe_key`, `duplicate`, and with `--forward-to` the receiver's
//! `forwarded_status` or `forward_error`); a refused request gets its 4xx and a line on stderr. It
//! runs until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use serde_json::{Value, json};
use tallyfy::webhooks::{self, Event, MemorySeen, Receiver, SeenStore};

use crate::exit;
use crate::out::Failure;

/// Receiving webhooks.
#[derive(Debug, clap::Subcommand)]
pub enum WebhooksCommand {
    /// Receive webhooks and print one JSON line per accepted one (like Stripe's `listen`).
    Listen {
        /// Address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// Forward each accepted webhook, unchanged, to this URL.
        #[arg(long, value_name = "URL")]
        forward_to: Option<String>,
        /// Require this secret in the webhook URL's query (see --secret-param); prefer the
        /// environment variable, arguments are visible to other users.
        #[arg(long, env = "TALLYFY_WEBHOOK_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// The query parameter that carries the secret.
        #[arg(long, default_value = "token")]
        secret_param: String,
    },
    /// Decode one webhook body (a file, or `-` for stdin) and print the typed event as JSON.
    Parse {
        /// The body's file; `-` reads stdin.
        #[arg(default_value = "-")]
        file: String,
    },
}

impl WebhooksCommand {
    /// Runs the command; `org` is the global `--org` (TALLYFY_ORG_ID).
    pub async fn run(&self, org: Option<&str>) -> Result<(), Failure> {
        match self {
            Self::Parse { file } => parse(file),
            Self::Listen {
                listen,
                forward_to,
                secret,
                secret_param,
            } => {
                let org = org.ok_or_else(|| {
                    Failure::usage("no organization: set TALLYFY_ORG_ID or pass --org")
                })?;
                let mut receiver = Receiver::new(org);
                if let Some(secret) = secret {
                    receiver = receiver.secret(secret_param.as_str(), secret.as_str());
                }
                listen_on(*listen, receiver, forward_to.clone()).await
            }
        }
    }
}

/// The JSON line for an event.
fn line(event: &Event, duplicate: bool) -> Value {
    json!({
        "kind": event.kind.as_str(),
        "process_id": event.process_id(),
        "task_id": event.task_id(),
        "dedupe_key": event.dedupe_key,
        "duplicate": duplicate,
    })
}

fn parse(file: &str) -> Result<(), Failure> {
    let body = if file == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        buf
    } else {
        std::fs::read(file).map_err(|e| Failure::usage(format!("reading {file}: {e}")))?
    };
    let event =
        webhooks::decode(&body).map_err(|e| Failure::new(exit::VALIDATION, e.to_string()))?;
    let mut out = line(&event, false);
    out["payload"] = match &event.payload {
        webhooks::Payload::Process(p) => serde_json::to_value(p),
        webhooks::Payload::Task(t) => serde_json::to_value(t),
        _ => Ok(Value::Null),
    }
    .unwrap_or(Value::Null);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &out).map_err(std::io::Error::from)?;
    writeln!(stdout)?;
    Ok(())
}

struct Listener {
    receiver: Receiver,
    seen: MemorySeen,
    forward_to: Option<String>,
    http: tallyfy::reqwest::Client,
}

async fn listen_on(
    addr: SocketAddr,
    receiver: Receiver,
    forward_to: Option<String>,
) -> Result<(), Failure> {
    let socket = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::new(exit::OTHER, format!("cannot listen on {addr}: {e}")))?;
    let local = socket.local_addr()?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{local}")?;
        stdout.flush()?;
    }
    let state = Arc::new(Listener {
        receiver,
        seen: MemorySeen::default(),
        forward_to,
        http: tallyfy::reqwest::Client::new(),
    });
    let app = axum::Router::new().fallback(axum::routing::post(
        move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move { receive(&state, &uri, &headers, body).await }
        },
    ));
    axum::serve(socket, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| Failure::new(exit::OTHER, format!("serving: {e}")))
}

async fn receive(state: &Listener, uri: &Uri, headers: &HeaderMap, body: Bytes) -> StatusCode {
    let event = match state.receiver.parse(headers, uri.query(), &body) {
        Ok(event) => event,
        Err(refused) => {
            eprintln!("refused a webhook ({}): {refused}", refused.status());
            return StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::BAD_REQUEST);
        }
    };
    let first = state
        .seen
        .first_time(&event.dedupe_key)
        .await
        .unwrap_or(true);
    let mut out = line(&event, !first);
    if let Some(url) = &state.forward_to {
        let mut request = state
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(org) = headers.get(webhooks::ORG_HEADER) {
            request = request.header(webhooks::ORG_HEADER, org.clone());
        }
        match request.send().await {
            Ok(res) => out["forwarded_status"] = res.status().as_u16().into(),
            Err(e) => out["forward_error"] = e.without_url().to_string().into(),
        }
    }
    let mut stdout = std::io::stdout().lock();
    // A closed stdout ends nothing here: the webhook was taken; the line is lost with the reader.
    let _ = writeln!(stdout, "{out}").and_then(|()| stdout.flush());
    StatusCode::OK
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminate = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

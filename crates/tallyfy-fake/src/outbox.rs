//! What the state holds for webhooks: the URLs every webhook goes to, and the webhooks the current
//! request queued ([`Outgoing`]), which the server hands to the deliverer
//! ([`crate::webhooks`]) once the request is answered.

use serde_json::Value;

/// A webhook to send once the current request has been answered.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub kind: &'static str,
    pub process_id: Option<String>,
    pub task_id: Option<String>,
    pub urls: Vec<String>,
    pub body: Value,
}

/// The webhook settings (from the builder) and what was queued during one request.
#[derive(Debug, Default)]
pub(crate) struct Webhooks {
    /// Sent every webhook, whatever the template says (`--webhook-url`).
    pub urls: Vec<String>,
    /// Queued while the state is locked; taken by the server after answering.
    pub outbox: Vec<Outgoing>,
}

//! The audit trail (`GET /activity-feeds`): one [`Activity`] per change an API call made to a
//! template, process, task or comment, and the records it concerns, so that the feed can be read
//! for one process (its tasks and their comments included), one task or one comment.

use serde_json::{Value, json};

use super::time::ts;

/// What kind of record an activity concerns, as the feed's `entity_type` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entity {
    /// A template (`checklist`).
    Checklist,
    /// A process (`run`).
    Run,
    Task,
    /// A comment (`thread`).
    Thread,
}

impl Entity {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "checklist" => Self::Checklist,
            "run" => Self::Run,
            "task" => Self::Task,
            "thread" => Self::Thread,
            _ => return None,
        })
    }

    /// The activity's `type` and the model name Tallyfy writes in `auditable_type`.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Checklist => ("Blueprint", "App\\Models\\Checklist"),
            Self::Run => ("Process", "App\\Models\\Run"),
            Self::Task => ("Task", "App\\Models\\Task"),
            Self::Thread => ("Comment", "App\\Models\\Thread"),
        }
    }
}

/// One entry of the audit trail.
#[derive(Clone, Debug)]
pub(crate) struct Activity {
    pub id: i64,
    pub verb: &'static str,
    /// The record acted on.
    pub subject: (Entity, String),
    /// The record it belongs to (a task's process, a comment's task), if any.
    pub parent: Option<(Entity, String)>,
    /// The process it belongs to, when that is not the parent (a comment's process).
    pub run: Option<String>,
    pub description: String,
    pub actor_id: i64,
    pub created_at: i64,
}

impl Activity {
    /// The activity's category, as the feed's `type` filter names it.
    pub fn kind(&self) -> &'static str {
        self.subject.0.names().0
    }

    /// Whether the activity concerns the record `(entity, id)`: as its subject, its parent, or
    /// (for a process) the process it happened in. A missing half matches anything.
    pub fn concerns(&self, entity: Option<Entity>, id: Option<&str>) -> bool {
        let run = self.run.as_ref().map(|r| (Entity::Run, r));
        [
            Some((self.subject.0, &self.subject.1)),
            self.parent.as_ref().map(|(e, i)| (*e, i)),
            run,
        ]
        .into_iter()
        .flatten()
        .any(|(e, i)| entity.is_none_or(|want| want == e) && id.is_none_or(|want| want == i))
    }

    /// The entry as Tallyfy writes it: most fields as one-element lists. `actor` is the member's
    /// card, if the member is known.
    pub fn to_json(&self, org_id: &str, actor: Option<Value>) -> Value {
        let (kind, model) = self.subject.0.names();
        let parent = self.parent.as_ref().map(|(e, _)| e.names().1);
        json!({
            "id": self.id,
            "organization_id": org_id,
            "verb": [self.verb],
            "source": ["Member"],
            "actor_type": ["App\\Models\\User"],
            "actor_id": [self.actor_id],
            "auditable_type": model,
            "auditable_id": self.subject.1,
            "parentable_type": parent,
            "parentable_id": self.parent.as_ref().map(|(_, id)| id),
            "type": [kind],
            "description": [self.description],
            "field": null,
            "old_value": null,
            "created_at": ts(self.created_at),
            "text": null,
            "references": null,
            "actor": actor.into_iter().collect::<Vec<_>>(),
            "undoable": false,
            "audit": {"data": {}},
            "parent": {"data": {}},
            "origin": null,
        })
    }
}

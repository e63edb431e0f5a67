//! The workflow side of the fake: templates (checklists) with kick-off fields and steps, processes
//! (runs) launched from them, their tasks, and comments on tasks.
//!
//! Modules, each importing only the ones listed after it:
//! - `seed`: the deterministic templates and processes (processes are launched through `ops`);
//! - `ops`: every change an API call can make (launch, update, complete, reopen, archive, ...), with
//!   its refusals;
//! - `store`: [`Workflow`], the records, their lookups, ids, and the JSON of templates, processes
//!   and tasks;
//! - `forms`: the checks on kick-off (`prerun`) and task (`taskdata`) values, by field type;
//! - `model`: the records and the JSON of the ones that need no lookups (fields, steps, comments);
//! - `activity`: the audit trail's entries and their JSON;
//! - `time`: timestamps as written and as read.
//!
//! Everything renders canonically here; `State::{template,process,task}_out` apply the
//! `Shapes::Varied` rewrites (`shapes.rs`) on top.

pub(crate) mod activity;
pub(crate) mod forms;
pub(crate) mod model;
pub(crate) mod ops;
pub(crate) mod seed;
pub(crate) mod store;
pub(crate) mod time;

pub(crate) use store::Workflow;

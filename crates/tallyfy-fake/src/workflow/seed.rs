//! Deterministic templates and processes.
//!
//! Templates rotate through four designs (a fifth template is the first design again, titled
//! "Client Onboarding 2", and so on):
//! 1. *Client Onboarding* (procedure): a kick-off field of every type (text, textarea, email, date,
//!    radio, dropdown, multiselect, table, assignees_form, file), six of them required but not the
//!    file, so it can be launched without an upload; task, approval, email, expiring and task steps
//!    with captures, member and group assignees, and deadlines from one day to three weeks;
//! 2. *Expense Approval* (form): an approval step for a member and a group first, then a task with a
//!    required capture;
//! 3. *Employee Offboarding* (procedure): expiring and expiring_email steps and an approval last;
//! 4. *Blog Post Publishing* (document): no kick-off form, and a step without a deadline (its task
//!    gets the 5-day default).
//!
//! Processes are launched from the templates in turn through the same code as `POST /runs`, from
//! 2025-05-01 on, 12 hours apart, each by one of the members in turn. Process `j` (from 0) then has,
//! by `j % 4`: no task completed, the first completed, every task completed (so it is complete), or
//! half of them completed; required captures are filled first and approvals decided. Every process
//! with `j % 5 == 4` that is still open gets a problem reported on its first open task, and every
//! one with `j % 7 == 6` is archived.
//!
//! Ids are 32-hex values derived from the seed and a counter (see `Workflow::new_id`), so the same
//! seed gives the same ids, names, values and times.

use serde_json::{Map, Value, json};

use super::model::{
    CommentOn, Deadline, Field, FieldType, Owners, Step, StepType, Tag, Template, Unit, slug,
};
use super::ops::{self, Actor, CommentKind, Via};
use super::store::Workflow;
use super::time::ts;

/// 2025-05-01T00:00:00Z: seeded processes are launched from here on.
pub(crate) const PROCESS_EPOCH: i64 = 1_746_057_600;
/// Seconds between two seeded launches.
const LAUNCH_SPACING: i64 = 12 * 3_600;

struct FieldSpec {
    label: &'static str,
    ty: FieldType,
    required: bool,
    choices: &'static [&'static str],
    guidance: Option<&'static str>,
}

const fn field(label: &'static str, ty: FieldType, required: bool) -> FieldSpec {
    FieldSpec {
        label,
        ty,
        required,
        choices: &[],
        guidance: None,
    }
}

const fn choice(
    label: &'static str,
    ty: FieldType,
    required: bool,
    choices: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        label,
        ty,
        required,
        choices,
        guidance: None,
    }
}

/// Who a step is assigned to: member number `k` (modulo the members there are), a group, or
/// nobody (the task then goes to the launcher).
#[derive(Clone, Copy)]
enum Assign {
    Nobody,
    Member(usize),
    MemberAndGroup(usize, &'static str),
    Group(&'static str),
}

struct StepSpec {
    title: &'static str,
    ty: StepType,
    deadline: Option<(i64, Unit)>,
    assign: Assign,
    summary: Option<&'static str>,
    captures: &'static [FieldSpec],
}

struct Design {
    title: &'static str,
    kind: &'static str,
    summary: &'static str,
    prerun: &'static [FieldSpec],
    steps: &'static [StepSpec],
}

const DESIGNS: &[Design] = &[
    Design {
        title: "Client Onboarding",
        kind: "procedure",
        summary: "Everything from the signed contract to the hand-over to support.",
        prerun: &[
            FieldSpec {
                guidance: Some("The client's legal name."),
                ..field("Client name", FieldType::Text, true)
            },
            field("Project brief", FieldType::Textarea, false),
            field("Primary contact email", FieldType::Email, true),
            field("Start date", FieldType::Date, true),
            choice(
                "Contract type",
                FieldType::Radio,
                true,
                &["Fixed fee", "Time and materials"],
            ),
            choice(
                "Region",
                FieldType::Dropdown,
                true,
                &["North America", "Europe", "Asia Pacific"],
            ),
            choice(
                "Services",
                FieldType::Multiselect,
                true,
                &["Consulting", "Implementation", "Training", "Support"],
            ),
            choice("Stakeholders", FieldType::Table, false, &["Name", "Role"]),
            field("Account team", FieldType::AssigneesForm, false),
            field("Signed contract", FieldType::File, false),
        ],
        steps: &[
            StepSpec {
                title: "Schedule the kick-off call",
                ty: StepType::Task,
                deadline: Some((1, Unit::Days)),
                assign: Assign::Member(0),
                summary: Some("Agree goals, contacts and the first milestones."),
                captures: &[
                    field("Call notes", FieldType::Textarea, true),
                    choice(
                        "Call outcome",
                        FieldType::Radio,
                        false,
                        &["Proceed", "On hold"],
                    ),
                ],
            },
            StepSpec {
                title: "Approve the statement of work",
                ty: StepType::Approval,
                deadline: Some((3, Unit::Days)),
                assign: Assign::Member(1),
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Send the welcome pack",
                ty: StepType::Email,
                deadline: Some((4, Unit::Days)),
                assign: Assign::Nobody,
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Confirm system access",
                ty: StepType::Expiring,
                deadline: Some((2, Unit::Weeks)),
                assign: Assign::Member(2),
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Hand over to support",
                ty: StepType::Task,
                deadline: Some((3, Unit::Weeks)),
                assign: Assign::Group("group_2"),
                summary: None,
                captures: &[
                    field("Support ticket", FieldType::Text, false),
                    field("Hand-over document", FieldType::File, false),
                ],
            },
        ],
    },
    Design {
        title: "Expense Approval",
        kind: "form",
        summary: "Claim an expense and get it approved and paid.",
        prerun: &[
            field("Expense title", FieldType::Text, true),
            field("Expense date", FieldType::Date, true),
            choice(
                "Category",
                FieldType::Dropdown,
                true,
                &["Travel", "Meals", "Software", "Hardware"],
            ),
            choice("Line items", FieldType::Table, false, &["Item", "Amount"]),
            field("Receipt", FieldType::File, false),
        ],
        steps: &[
            StepSpec {
                title: "Manager approval",
                ty: StepType::Approval,
                deadline: Some((48, Unit::Hours)),
                assign: Assign::MemberAndGroup(1, "group_3"),
                summary: Some("Approve or reject the claim."),
                captures: &[],
            },
            StepSpec {
                title: "Record the payment",
                ty: StepType::Task,
                deadline: Some((5, Unit::Days)),
                assign: Assign::Member(3),
                summary: None,
                captures: &[
                    field("Payment reference", FieldType::Text, true),
                    field("Paid on", FieldType::Date, false),
                ],
            },
            StepSpec {
                title: "Tell the requester",
                ty: StepType::Email,
                deadline: Some((6, Unit::Days)),
                assign: Assign::Nobody,
                summary: None,
                captures: &[],
            },
        ],
    },
    Design {
        title: "Employee Offboarding",
        kind: "procedure",
        summary: "Close accounts, collect equipment and say goodbye properly.",
        prerun: &[
            field("Employee name", FieldType::Text, true),
            field("Handover to", FieldType::AssigneesForm, false),
            choice(
                "Systems to revoke",
                FieldType::Multiselect,
                true,
                &["Email", "VPN", "CRM", "Payroll"],
            ),
        ],
        steps: &[
            StepSpec {
                title: "Revoke system access",
                ty: StepType::Task,
                deadline: Some((90, Unit::Minutes)),
                assign: Assign::Member(2),
                summary: None,
                captures: &[choice(
                    "Revoked systems",
                    FieldType::Multiselect,
                    false,
                    &["Email", "VPN", "CRM", "Payroll"],
                )],
            },
            StepSpec {
                title: "Collect equipment",
                ty: StepType::Task,
                deadline: Some((1, Unit::Weeks)),
                assign: Assign::Nobody,
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Exit survey",
                ty: StepType::Expiring,
                deadline: Some((7, Unit::Days)),
                assign: Assign::Member(0),
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Send the final payslip notice",
                ty: StepType::ExpiringEmail,
                deadline: Some((10, Unit::Days)),
                assign: Assign::Nobody,
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "HR sign-off",
                ty: StepType::Approval,
                deadline: Some((2, Unit::Weeks)),
                assign: Assign::Member(1),
                summary: None,
                captures: &[],
            },
        ],
    },
    Design {
        title: "Blog Post Publishing",
        kind: "document",
        summary: "From draft to newsletter.",
        prerun: &[],
        steps: &[
            StepSpec {
                title: "Write the draft",
                ty: StepType::Task,
                deadline: Some((3, Unit::Days)),
                assign: Assign::Member(0),
                summary: None,
                captures: &[field("Draft link", FieldType::Text, true)],
            },
            StepSpec {
                title: "Editorial review",
                ty: StepType::Approval,
                deadline: Some((90, Unit::Hours)),
                assign: Assign::Member(1),
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Publish",
                ty: StepType::Task,
                deadline: None,
                assign: Assign::Nobody,
                summary: None,
                captures: &[],
            },
            StepSpec {
                title: "Announce in the newsletter",
                ty: StepType::Email,
                deadline: Some((8, Unit::Days)),
                assign: Assign::Group("group_1"),
                summary: None,
                captures: &[],
            },
        ],
    },
];

const CLIENTS: &[(&str, &str)] = &[
    ("Acme Corp", "acme.example"),
    ("Globex", "globex.example"),
    ("Initech", "initech.example"),
    ("Hooli", "hooli.example"),
    ("Vandelay Imports", "vandelay.example"),
];

fn make_fields(wf: &mut Workflow, specs: &[FieldSpec], parent: &str, at: i64) -> Vec<Field> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let id = wf.new_id();
            let numbered = |items: &[&str]| -> Vec<(i64, String)> {
                items
                    .iter()
                    .enumerate()
                    .map(|(k, t)| (k as i64 + 1, t.to_string()))
                    .collect()
            };
            let (options, columns) = match s.ty {
                FieldType::Table => (Vec::new(), numbered(s.choices)),
                _ => (numbered(s.choices), Vec::new()),
            };
            Field {
                alias: format!("{}-{}", slug(s.label), &id[..6]),
                id,
                parent_id: parent.to_string(),
                label: s.label.to_string(),
                field_type: s.ty,
                guidance: s.guidance.map(str::to_string),
                position: i as i64 + 1,
                required: s.required,
                options,
                columns,
                created_at: at,
            }
        })
        .collect()
}

fn template(wf: &mut Workflow, i: usize, count: usize, members: &[i64]) -> Template {
    let design = &DESIGNS[i % DESIGNS.len()];
    let round = i / DESIGNS.len();
    let title = if round == 0 {
        design.title.to_string()
    } else {
        format!("{} {}", design.title, round + 1)
    };
    let id = wf.new_id();
    let created_at = PROCESS_EPOCH - (count - i) as i64 * 7 * 86_400;
    let member = |k: usize| members[k % members.len()];
    let prerun = make_fields(wf, design.prerun, &id, created_at);
    let steps = design
        .steps
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let step_id = wf.new_id();
            let assignees = match s.assign {
                Assign::Nobody => Owners::default(),
                Assign::Member(k) => Owners {
                    users: vec![member(k)],
                    ..Owners::default()
                },
                Assign::MemberAndGroup(k, g) => Owners {
                    users: vec![member(k)],
                    groups: vec![g.to_string()],
                    ..Owners::default()
                },
                Assign::Group(g) => Owners {
                    groups: vec![g.to_string()],
                    ..Owners::default()
                },
            };
            Step {
                alias: format!("{}-{}", slug(s.title), &step_id[..6]),
                captures: make_fields(wf, s.captures, &step_id, created_at),
                id: step_id,
                checklist_id: id.clone(),
                title: s.title.to_string(),
                summary: s.summary.map(str::to_string),
                step_type: s.ty,
                position: n as i64 + 1,
                deadline: s.deadline.map(|(value, unit)| Deadline { value, unit }),
                assignees,
                webhook: None,
                everyone_must_complete: false,
                can_complete_only_assignees: false,
                max_assignable: 0,
                prevent_guest_comment: false,
                created_at,
            }
        })
        .collect();
    Template {
        increment_id: wf.next_template_no(),
        alias: format!("{}-{}", slug(&title), &id[..6]),
        id,
        title,
        summary: Some(design.summary.to_string()),
        kind: design.kind,
        starred: i.is_multiple_of(3),
        webhook: None,
        guidance: None,
        prerun,
        created_by: members[0],
        owner_id: members[0],
        created_at,
        last_updated: created_at + i as i64 * 3_600,
        archived_at: None,
        is_public: false,
        is_public_kickoff: false,
        default_process_name_format: None,
        auto_naming: false,
        users: Vec::new(),
        groups: Vec::new(),
        steps,
        tags: Vec::new(),
        settings: Map::new(),
    }
}

/// A valid value for a field, varied by `j` (files get none: they need an upload).
fn sample(field: &Field, j: usize, at: i64, members: &[i64]) -> Option<Value> {
    let (client, domain) = CLIENTS[j % CLIENTS.len()];
    let pick = |n: usize| &field.options[n % field.options.len().max(1)];
    Some(match field.field_type {
        FieldType::Text => json!(format!("{client} {}", field.label.to_lowercase())),
        FieldType::Textarea => json!(format!(
            "Notes on {client}: agreed scope, contacts and dates."
        )),
        FieldType::Email => json!(format!("ops@{domain}")),
        FieldType::Date => json!(ts(at + 14 * 86_400)),
        FieldType::Radio => json!(pick(j).1),
        FieldType::Dropdown => {
            let (id, text) = pick(j);
            json!({"id": id, "text": text, "value": null})
        }
        FieldType::Multiselect => Value::Array(
            [j, j + 1]
                .iter()
                .map(|&n| {
                    let (id, text) = pick(n);
                    json!({"id": id, "text": text, "selected": true})
                })
                .collect(),
        ),
        FieldType::Table => Value::Array(
            field
                .columns
                .iter()
                .map(|(_, label)| json!(format!("{label} {}", j + 1)))
                .collect(),
        ),
        FieldType::AssigneesForm => {
            json!({"users": [members[j % members.len()]], "guests": [], "groups": []})
        }
        // Files need an upload; the one-off types are never seeded.
        FieldType::File
        | FieldType::Number
        | FieldType::Url
        | FieldType::Time
        | FieldType::Datetime
        | FieldType::Checkbox => return None,
    })
}

fn values(fields: &[Field], j: usize, at: i64, members: &[i64]) -> Map<String, Value> {
    fields
        .iter()
        .filter_map(|f| sample(f, j, at, members).map(|v| (f.id.clone(), v)))
        .collect()
}

/// Builds the seeded workflow: `templates` templates and `processes` processes launched from them
/// (at least one template is made when processes are asked for). `members` are the seeded member
/// ids (at least one); the first is the default administrator.
pub(crate) fn build(seed: u64, templates: usize, processes: usize, members: &[i64]) -> Workflow {
    let mut wf = Workflow::new(seed);
    let templates = if processes > 0 {
        templates.max(1)
    } else {
        templates
    };
    for i in 0..templates {
        let t = template(&mut wf, i, templates, members);
        wf.templates.push(t);
    }
    let actor = Actor {
        user: members[0],
        members,
    };
    for j in 0..processes {
        launch_seeded(&mut wf, j, actor);
    }
    seed_tags(&mut wf);
    wf
}

/// The seeded tags: title, colour, whether Tallyfy made it.
const TAGS: &[(&str, Option<&str>, bool)] = &[
    ("Urgent", Some("#e74c3c"), false),
    ("Finance", Some("#2ecc71"), false),
    ("Client", Some("#3498db"), false),
    ("Q4", None, false),
    ("Launched via API", Some("#95a5a6"), true),
];

/// Makes the seeded tags (after everything else, so that the other seeded ids do not depend on
/// them) and puts them on templates and processes: template `i` carries tag `i % 3` (and
/// `Urgent` too when `i % 4 == 1`), process `j` carries tag `j % 4` and, when `j` is even, the
/// auto-generated one.
fn seed_tags(wf: &mut Workflow) {
    let at = PROCESS_EPOCH - 30 * 86_400;
    let ids: Vec<String> = TAGS
        .iter()
        .enumerate()
        .map(|(k, &(title, color, auto_generated))| {
            let id = wf.new_id();
            wf.tags.push(Tag {
                id: id.clone(),
                title: title.to_string(),
                color: color.map(str::to_string),
                auto_generated,
                created_at: at + k as i64 * 3_600,
            });
            id
        })
        .collect();
    for (i, t) in wf.templates.iter_mut().enumerate() {
        t.tags.push(ids[i % 3].clone());
        if i % 4 == 1 && i % 3 != 0 {
            t.tags.push(ids[0].clone());
        }
    }
    for (j, p) in wf.processes.iter_mut().enumerate() {
        p.tags.push(ids[j % 4].clone());
        if j.is_multiple_of(2) {
            p.tags.push(ids[4].clone());
        }
    }
}

fn launch_seeded(wf: &mut Workflow, j: usize, actor: Actor<'_>) {
    let members = actor.members;
    let tpl = wf.templates[j % wf.templates.len()].clone();
    let at = PROCESS_EPOCH + j as i64 * LAUNCH_SPACING;
    let (client, _) = CLIENTS[j % CLIENTS.len()];
    let mut body = Map::new();
    body.insert("checklist_id".into(), json!(tpl.id));
    if !j.is_multiple_of(3) {
        body.insert("name".into(), json!(format!("{} for {client}", tpl.title)));
    }
    body.insert("user_id".into(), json!(members[j % members.len()]));
    body.insert(
        "prerun".into(),
        Value::Object(values(&tpl.prerun, j, at, members)),
    );
    let run = ops::launch(wf, &body, actor, at).expect("seeded launches are valid");
    let run_id = wf.processes[run].id.clone();
    let tasks = wf.tasks_of(&run_id);
    let to_complete = match j % 4 {
        0 => 0,
        1 => 1,
        2 => tasks.len(),
        _ => tasks.len() / 2,
    };
    for (k, &t) in tasks.iter().take(to_complete).enumerate() {
        let done_at = at + (k as i64 + 1) * 4 * 3_600;
        let task_id = wf.tasks[t].id.clone();
        let data = values(&wf.tasks[t].step.captures, j + k, done_at, members);
        let mut update = Map::new();
        update.insert("taskdata".into(), Value::Object(data));
        let directory = ops::Directory {
            members,
            groups: &[],
        };
        ops::update_task(
            wf,
            Via::Run(&run_id),
            &task_id,
            &update,
            &directory,
            done_at,
        )
        .expect("seeded values are valid");
        let mut complete = Map::new();
        complete.insert("task_id".into(), json!(task_id));
        complete.insert("is_approved".into(), json!((j + k) % 3 != 2));
        ops::complete_task(wf, Via::Run(&run_id), &complete, actor, done_at)
            .expect("seeded completions are valid");
    }
    if j % 5 == 4
        && let Some(open) = wf.next_task(&run_id)
    {
        let task_id = wf.tasks[open].id.clone();
        let mut problem = Map::new();
        problem.insert(
            "content".into(),
            json!("Waiting on the client's signed paperwork."),
        );
        ops::add_comment(
            wf,
            &CommentOn::Task(task_id),
            &problem,
            CommentKind::Problem,
            members[j % members.len()],
            at + 2 * 3_600,
        )
        .expect("seeded problems are valid");
    }
    if j % 7 == 6 {
        ops::archive_process(wf, &run_id, at + 86_400).expect("the process exists");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::model::TaskStatus;

    #[test]
    fn same_seed_same_workflow() {
        let a = build(7, 5, 12, &[1001, 1002, 1003]);
        let b = build(7, 5, 12, &[1001, 1002, 1003]);
        let c = build(8, 5, 12, &[1001, 1002, 1003]);
        let ids = |w: &Workflow| w.tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
        assert!(a.templates.iter().all(|t| t.id.len() == 32));
        // Every field type appears in the first design's kick-off form.
        for ty in FieldType::ALL {
            assert!(a.templates[0].prerun.iter().any(|f| f.field_type == ty));
        }
        // Process 2 is complete, process 6 archived, process 4 has a problem.
        assert!(
            a.tasks_of(&a.processes[2].id)
                .iter()
                .all(|&t| a.tasks[t].status == TaskStatus::Completed)
        );
        assert!(a.processes[6].archived_at.is_some());
        assert!(a.has_open_issue(&a.processes[4].id));
    }
}

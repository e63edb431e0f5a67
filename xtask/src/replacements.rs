//! The component schemas that the generated client takes from its own hand-written types instead of
//! generating them. `codegen` hands them to progenitor; the request model reads them too (a body
//! field of such a type is checked against the spec's `enum` by the SDK, since the type is open).

use progenitor_impl::TypeImpl;

/// Schema name, the client's type, and the impls progenitor may assume it has.
pub const REPLACEMENTS: &[(&str, &str, &[TypeImpl])] = &[
    // Pagination links arrive as an object, `{}`, `[]` or null.
    (
        "PaginationLinks",
        "crate::PaginationLinks",
        &[TypeImpl::Default],
    ),
    // Groups arrive wrapped in `{"data": [...]}` or as a plain array.
    (
        "GroupsInclude",
        "crate::GroupsInclude",
        &[TypeImpl::Default],
    ),
    // An open, case-insensitive role: unknown values are kept, not fatal.
    (
        "MemberRole",
        "crate::MemberRole",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    // The roles a request may send (`MemberInvite.role`, `MemberRoleChange.role`) are the same
    // type, so the project has one role type, not a closed twin of it. The spec's enum still
    // documents which roles the API accepts; the SDK refuses any other before sending and the fake
    // answers 422 to one.
    (
        "RoleName",
        "crate::MemberRole",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    // Form values (`prerun`, `taskdata`): one typed value per field type, read by shape
    // (crates/tallyfy-client/src/forms.rs), so launching and completing need no hand-written JSON.
    // Client secrets, passwords and tokens: hidden from the generated types' derived `Debug`.
    ("Secret", "crate::Secret", &[]),
    ("FormValues", "crate::FormValues", &[TypeImpl::Default]),
    ("FormValue", "crate::FormValue", &[TypeImpl::Default]),
    ("ChoiceValue", "crate::Choice", &[]),
    ("Assignees", "crate::Assignees", &[TypeImpl::Default]),
    ("FileRef", "crate::FileRef", &[]),
    // Includes arrive wrapped in `{"data": ...}` or bare (crates/tallyfy-client/src/includes.rs).
    (
        "StepsInclude",
        "crate::Many<crate::types::Step>",
        &[TypeImpl::Default],
    ),
    (
        "TagsInclude",
        "crate::Many<crate::types::Tag>",
        &[TypeImpl::Default],
    ),
    (
        "TasksInclude",
        "crate::Many<crate::types::Task>",
        &[TypeImpl::Default],
    ),
    (
        "FormFieldsInclude",
        "crate::Many<crate::types::FormField>",
        &[TypeImpl::Default],
    ),
    (
        "ThreadsInclude",
        "crate::Many<crate::types::Comment>",
        &[TypeImpl::Default],
    ),
    (
        "TemplateIncluded",
        "crate::One<crate::types::Template>",
        &[],
    ),
    ("ProcessIncluded", "crate::One<crate::types::Process>", &[]),
    ("StepIncluded", "crate::One<crate::types::Step>", &[]),
    (
        "TagStatisticsInclude",
        "crate::One<crate::types::TagStatistics>",
        &[],
    ),
];

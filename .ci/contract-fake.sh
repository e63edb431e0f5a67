#!/usr/bin/env bash
# Contract test: schemathesis against the 'tallyfy-fake' binary with openapi/tallyfy.yaml.
#
# - installs a pinned schemathesis into .venv-contract (gitignored);
# - builds and starts 'tallyfy-fake' on 127.0.0.1:0 and reads its address from the first stdout line;
# - runs every schemathesis check against it, bounded (a fixed number of examples per operation and a
#   time budget), with the documented headers;
# - stops the server and exits non-zero when schemathesis reports a failure.
#
# Usage: bash .ci/contract-fake.sh [extra schemathesis arguments]
# Environment: CONTRACT_SPEC (default openapi/tallyfy.yaml), CONTRACT_MAX_EXAMPLES (default 25),
# CONTRACT_SEED (default 1), CARGO_TARGET_DIR (as for cargo).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SPEC=${CONTRACT_SPEC:-openapi/tallyfy.yaml}
MAX_EXAMPLES=${CONTRACT_MAX_EXAMPLES:-25}
SEED=${CONTRACT_SEED:-1}
ORG=contract-org
TOKEN=contract-token
VENV=.venv-contract

step() { printf '\n==> %s\n' "$*"; }

# Hypothesis (under schemathesis) keeps its caches here rather than in ./.hypothesis.
export HYPOTHESIS_STORAGE_DIRECTORY="${PWD}/${VENV}/hypothesis"

step "schemathesis ${SCHEMATHESIS_VERSION} in ${VENV}"
if [ ! -x "${VENV}/bin/schemathesis" ] ||
    [ "$("${VENV}/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "${SCHEMATHESIS_VERSION}" ]; then
    python3 -m venv "${VENV}"
    "${VENV}/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
fi

step "build tallyfy-fake"
cargo build --quiet -p tallyfy-fake --bin tallyfy-fake
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN="${TARGET_DIR}/debug/tallyfy-fake"

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "${SERVER_PID}" ] && kill -0 "${SERVER_PID}" 2>/dev/null; then
        kill -TERM "${SERVER_PID}" 2>/dev/null || true
        wait "${SERVER_PID}" 2>/dev/null || true
    fi
    rm -rf "${WORK}"
}
trap cleanup EXIT

step "start tallyfy-fake"
# A few hundred guests and members, no seat limit (so that a valid invite is accepted), some
# templates and processes (so that the workflow operations have records to find), loopback only.
"${BIN}" --listen 127.0.0.1:0 --org "${ORG}" --token "${TOKEN}" \
    --seed-guests 300 --seed-members 12 --seed-templates 6 --seed-processes 20 >"${WORK}/server.out" 2>"${WORK}/server.err" &
SERVER_PID=$!
ADDR=
for _ in $(seq 1 100); do
    if LINE=$(head -n 1 "${WORK}/server.out" 2>/dev/null) && [[ "${LINE}" == "listening on http://"* ]]; then
        ADDR=${LINE#listening on http://}
        break
    fi
    if ! kill -0 "${SERVER_PID}" 2>/dev/null; then
        cat "${WORK}/server.err" >&2
        echo "tallyfy-fake exited before listening" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "${ADDR}" ]; then
    echo "tallyfy-fake did not print its address" >&2
    exit 1
fi
echo "fake at http://${ADDR}/api"

# One worker: the fake keeps state, and two concurrent stateful sequences would delete each other's
# resources (reported as "created resource not found").
# Configuration: the organization the fake serves, and the exclusions below. Each one names the
# operation, the check, and the documented behaviour that the check cannot know about; every other
# check runs for every operation in every phase. None of them hides a fake that is wrong: each
# behaviour is asserted by the fake's own tests (crates/tallyfy-fake/tests/).
cat >"${WORK}/schemathesis.toml" <<EOF
[parameters]
"path.org_id" = "${ORG}"

# Replay files of failures go inside the (gitignored) venv rather than into the checkout.
[cache]
directory = "${PWD}/${VENV}/schemathesis-cache"

# negative_data_rejection, stateful phase only, for the four guest operations whose only input is the
# guest's email in the path. In a stateful sequence schemathesis fills that parameter with an email
# taken from an earlier response, which overwrites the mutation that made the case negative, so a
# valid request (answered 2xx, as Tallyfy answers a known guest) is still labelled negative
# ("Invalid component: positive test case"). Negative data for these operations is still checked in
# the coverage and fuzzing phases.
[[operations]]
include-operation-id = ["remove_guest", "disable_guest", "enable_guest", "purge_guest"]
phases.stateful.checks.negative_data_rejection.enabled = false

# ensure_resource_availability for purge_guest: schemathesis links a created guest to removal by email
# (DELETE /guests/{guest_email}) and to purge by id (DELETE /guests/{guest_id}/delete) and treats them
# as different resources. When a sequence removes the guest from the organization (200) and then
# purges it by id, the purge's 404 is the right answer (the guest is no longer in the organization),
# but the check reports it as "created resource not found". Asserted by purge_after_remove_is_404 in
# crates/tallyfy-fake/tests/guests.rs.
[[operations]]
include-operation-id = "purge_guest"
checks.ensure_resource_availability.enabled = false

# positive_data_acceptance expects every schema-valid request to get 2xx/401/403/404/409/429. For each
# operation below, Tallyfy documents a 400 or 422 for some requests that are schema-valid but conflict
# with the server's state, and schemathesis sends such requests (replayed spec examples, values taken
# from earlier responses, random ids), so the check is off for these operations only.

# create_guest: an email that belongs to a member of the organization is refused with 422
# (tallyfy-docs/guests/create-guest.md).
[[operations]]
include-operation-id = "create_guest"
checks.positive_data_acceptance.enabled = false

# remove_guest: an unknown email is refused with 422, "the email must exist in the guests table"
# (tallyfy-docs/guests/delete-guest.md).
[[operations]]
include-operation-id = "remove_guest"
checks.positive_data_acceptance.enabled = false

# purge_guest and purge_member: refused with 422 until the guest or member has been disabled
# ("Please disable the guest before deletion.", tallyfy-api.md).
[[operations]]
include-operation-id = ["purge_guest", "purge_member"]
checks.positive_data_acceptance.enabled = false

# invite_member: an email that already belongs to a member (the spec's example, replayed) is refused
# with 422 (tallyfy-docs/members/invite-member.md).
[[operations]]
include-operation-id = "invite_member"
checks.positive_data_acceptance.enabled = false

# update_member: country_id must be a known country, and the names may not be URLs, else 422
# (tallyfy-docs/members/update-member.md).
[[operations]]
include-operation-id = "update_member"
checks.positive_data_acceptance.enabled = false

# remove_member: 'to' is required when 'with_reassignment=true' (422), and bot users and the default
# administrator cannot be removed (400) (tallyfy-docs/members/remove-member.md).
[[operations]]
include-operation-id = "remove_member"
checks.positive_data_acceptance.enabled = false

# set_member_role and disable_member: the default administrator cannot be demoted or disabled, 400
# "Cannot modify the default administrator..." (the message tallyfy-docs/members/remove-member.md
# lists; the fake gives it for every change to the default administrator).
[[operations]]
include-operation-id = ["set_member_role", "disable_member"]
checks.positive_data_acceptance.enabled = false

# delete_template, delete_process: only an archived template or process can be deleted, else 422
# (tallyfy-workflow-api.md section 11; /tmp/coord/workflow-wire.md). launch_process: the kick-off
# form's required fields and per-type values are checked against the template (422 prerun.<id>),
# and tags[] must name existing tags. complete_task: an approval needs is_approved, required
# captures need values and an open problem blocks completion (422). resolve_problem,
# resolve_process_problem, resolve_template_problem: thread_id must name an open problem of that
# task, process or template (422). save_capture_value: id must name a form field of the task's
# step, the value must fit that field's type, and the task must be open, not archived and not in
# an archived process (422), as for update_task (tallyfy-docs/guides/task-operations.md).
# update_process: archived processes are refused, 422 "Cannot update archived processes.".
# update_task: a completed task cannot be changed (422), and taskdata is checked per field type.
# reopen_task: only a completed task can be reopened (422). Each is asserted in
# crates/tallyfy-fake/tests/{templates,processes,tasks,comments}.rs.
[[operations]]
include-operation-id = ["delete_template", "delete_process", "launch_process", "complete_task", "resolve_problem", "resolve_process_problem", "resolve_template_problem", "save_capture_value", "update_process", "update_task", "reopen_task"]
checks.positive_data_acceptance.enabled = false

# create_template and update_template: owner_id and user_id must be members, users[] members and
# groups[] groups of the organization, a kick-off table needs columns, and (update) a prerun entry's
# id must name one of the template's own fields; random ids are schema-valid, so 422
# (tallyfy-docs/templates/create-template.md, update-template.md). Asserted in
# crates/tallyfy-fake/tests/templates.rs.
[[operations]]
include-operation-id = ["create_template", "update_template"]
checks.positive_data_acceptance.enabled = false

# request_token: a schema-valid password or refresh grant whose username, password or refresh token
# the server does not know is refused with 400 invalid_grant, and a grant type that lacks the
# fields it needs with 400 invalid_request (RFC 6749 section 5.2, which Tallyfy's token endpoint
# follows; tallyfy-docs/guides/troubleshooting.md shows its error bodies). Asserted in
# crates/tallyfy-fake/tests/oauth.rs.
[[operations]]
include-operation-id = "request_token"
checks.positive_data_acceptance.enabled = false

# list_activity: created_after and created_before must be days of the calendar (the pattern lets
# 2026-13-40 through), else 422 (tallyfy-docs/processes/get-process-activity.md gives the format).
# Asserted in crates/tallyfy-fake/tests/activity.rs.
[[operations]]
include-operation-id = "list_activity"
checks.positive_data_acceptance.enabled = false

# The one-off task operations: owners must be members and groups of the organization, tags and
# run_id must exist, deadline and started_at must be dates the server can read, and a form field's
# type must be one a one-off form can hold (create_oneoff_task, 422 on the field); title, deadline
# and owners are required on every update, which is refused for a completed or archived task
# (update_oneoff_task); only a completed task can be reopened, and completion needs an approval's
# decision and the required form values (reopen_oneoff_task, complete_oneoff_task); and every
# one-off route refuses a process's task with 422 on task_id, naming the process (schemathesis
# takes task ids from list responses, most of them process tasks). Asserted in
# crates/tallyfy-fake/tests/oneoff.rs.
[[operations]]
include-operation-id = ["create_oneoff_task", "update_oneoff_task", "complete_oneoff_task", "reopen_oneoff_task", "archive_oneoff_task", "restore_oneoff_task", "delete_oneoff_task"]
checks.positive_data_acceptance.enabled = false

# use_after_free for archive_oneoff_task: DELETE /tasks/{task_id} archives the task (204); it stays
# readable with archived_at set, as Tallyfy's archive page says, until restore_oneoff_task or
# delete_oneoff_task (saving a form value on it is a 422 naming the archive, not a 404). Asserted in crates/tallyfy-fake/tests/oneoff.rs.
[[operations]]
include-operation-id = ["archive_oneoff_task", "get_task", "restore_oneoff_task", "update_oneoff_task", "create_comment", "report_problem", "resolve_problem", "save_capture_value"]
checks.use_after_free.enabled = false

# use_after_free for the process operations: DELETE /runs/{run_id} archives the process (200, status
# "archived"); it does not delete it, and an archived process stays readable and can be activated
# (Tallyfy's archive/activate pair, tallyfy-workflow-api.md section 4), and takes comments and
# problem reports. Asserted in tests/processes.rs and tests/comments.rs.
[[operations]]
include-operation-id = ["get_process", "activate_process", "update_process", "archive_process", "list_process_tasks", "create_process_comment", "report_process_problem", "resolve_process_problem"]
checks.use_after_free.enabled = false

# create_tag and update_tag: a title another tag has (case-insensitive) is refused with 422 (titles
# are unique in the organization, tallyfy-docs/tags/create-tag.md); schemathesis replays the spec's
# example title, which a seeded tag has. create_group and update_group: a name another group has is
# a 422, and members[] must name members of the organization, 422 members.<i>
# (tallyfy-docs/groups/create-group.md). Asserted in tests/tags_groups.rs.
[[operations]]
include-operation-id = ["create_tag", "update_tag", "create_group", "update_group"]
checks.positive_data_acceptance.enabled = false

# upload_file: subject_id must name an existing process, template or task ("Subject not found",
# 422), and uploaded_from must be a capture of the process's template (Run) or ko_field
# (Checklist) (tallyfy-docs/files/upload-attach-file.md); random ids are schema-valid. Asserted in
# tests/files.rs.
[[operations]]
include-operation-id = "upload_file"
checks.positive_data_acceptance.enabled = false
EOF

step "schemathesis (${SPEC}, ${MAX_EXAMPLES} examples per operation)"
status=0
"${VENV}/bin/schemathesis" --config-file "${WORK}/schemathesis.toml" run "${SPEC}" \
    --url "http://${ADDR}/api" \
    --header "Authorization: Bearer ${TOKEN}" \
    --header "X-Tallyfy-Client: APIClient" \
    --max-examples "${MAX_EXAMPLES}" \
    --seed "${SEED}" \
    --max-time 180 \
    --request-timeout 10 \
    --workers 1 \
    --generation-database none \
    --no-color \
    "$@" || status=$?

step "stop tallyfy-fake"
kill -TERM "${SERVER_PID}"
wait "${SERVER_PID}" || true
SERVER_PID=

if [ "${status}" -ne 0 ]; then
    echo "schemathesis reported failures (exit ${status})" >&2
fi
exit "${status}"

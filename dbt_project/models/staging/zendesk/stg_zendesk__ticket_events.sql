-- One row per ticket audit, whichever Zendesk export it came from: the incremental ticket events export (an event:
-- `updater_id`, `child_events` typed by `event_type`) or the Ticket Audits API (an audit: `author_id`, `events`
-- typed by `type`). Both hold the same audits under the same ids, so an audit seen more than once (overlapping
-- pages, or both formats) is kept once, from its latest file. The child events used downstream (Create, Change,
-- Comment; a VoiceComment is a comment) are put in one shape, ids as numbers; the others (Notification, Cc, ...)
-- stay in the raw table only. Real incremental exports also write a field's Create or Change keyed by the field's
-- own name (`{"event_type": "Change", "status": "solved", "previous_value": "open"}`): such a child event is the
-- change of that field (status, assignee_id or group_id), as if it had `field_name` and `value`. An event's time
-- is its `created_at`, else its `timestamp` (epoch seconds), SPEC 4.1.
-- Each payload and each child event is parsed once: its fields are read with one json_extract_string of a list of
-- paths (a `->>` per mention would parse it again every time).
{%- set keyed_fields = ['status', 'assignee_id', 'group_id'] %}
{%- set child_fields = [
    'event_type', 'type', 'field_name', 'value', 'previous_value', 'public', 'comment_public', 'author_id'
] + keyed_fields %}
-- Incremental: a build reads the loads ingested after the highest load it holds, a newer version of an audit
-- replacing the older one (delete+insert by event_id: a later load is a later file). A removed or re-read load, or a
-- changed project or var, makes the orchestration rebuild it whole (orchestration/build_state.py).
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='delete+insert') }}
with audit_fields as (
    select
        events.file_id,
        events.record_number,
        files.load_id,
        json_extract_string(
            payload, ['$.id', '$.ticket_id', '$.created_at', '$.timestamp', '$.updater_id', '$.author_id']
        ) as fields,
        json_extract(payload, ['$.child_events', '$.events']) as child_lists
    from {{ source('helpdesk', 'zendesk_ticket_events') }} as events
    inner join {{ source('helpdesk', 'ingested_files') }} as files using (file_id)
    {% if is_incremental() %}
    where files.load_id > (select coalesce(max(source_load_id), 0) from {{ this }})
    {% endif %}
),

audits as (
    {{ latest_version('audit_fields', "coalesce(try_cast(nullif(trim(fields[1]), '') as bigint)::varchar, fields[1])") }}
),

parsed_children as (
    select
        *,
        list_transform(
            coalesce(from_json(coalesce(child_lists[1], child_lists[2]), '["json"]'), []::json[]),
            lambda child: {
                'keys': json_keys(child),
                'fields': json_extract_string(child, [
                    {%- for field in child_fields %}'$.{{ field }}'{{ ', ' if not loop.last }}{% endfor -%}
                ])
            }
        ) as children
    from audits
),

typed_children as (
    select
        * exclude (children),
        list_transform(
            children,
            lambda parsed: {
                'child_type': if(child_lists[1] is not null, parsed.fields[1], parsed.fields[2]),
                'fields': parsed.fields,
                -- the field a child event without `field_name` is keyed by, and its value (a key with a JSON
                -- null value, as an unassignment, counts: its value is null)
                'keyed_field': case
                    {%- for field in keyed_fields %}
                    when list_contains(parsed.keys, '{{ field }}') then '{{ field }}'
                    {%- endfor %}
                end,
                'keyed_value': case
                    {%- for field in keyed_fields %}
                    when list_contains(parsed.keys, '{{ field }}') then parsed.fields[{{ child_fields.index(field) + 1 }}]
                    {%- endfor %}
                end
            }
        ) as children
    from parsed_children
),

final as (
    select
        try_cast(nullif(trim(fields[1]), '') as bigint) as event_id,
        try_cast(nullif(trim(fields[2]), '') as bigint) as ticket_id,
        coalesce(
            try_cast(fields[3] as timestamptz),
            -- epoch seconds, as a number or a string (range checked at ingestion)
            to_timestamp(case
                when isfinite(try_cast(nullif(trim(fields[4]), '') as double))
                    and try_cast(nullif(trim(fields[4]), '') as double) between 0 and 253402300799
                    then try_cast(nullif(trim(fields[4]), '') as double)
            end)
        ) as created_at,
        coalesce(
            try_cast(nullif(trim(fields[5]), '') as bigint), try_cast(nullif(trim(fields[6]), '') as bigint)
        ) as updater_id,
        list_transform(
            list_filter(children, lambda typed: typed.child_type in ('Create', 'Change', 'Comment', 'VoiceComment')),
            lambda typed: json_object(
                'event_type', if(typed.child_type = 'VoiceComment', 'Comment', typed.child_type),
                'field_name', if(
                    typed.child_type in ('Create', 'Change') and typed.fields[3] is null,
                    typed.keyed_field,
                    typed.fields[3]
                ),
                'value', if(
                    typed.child_type in ('Create', 'Change') and typed.fields[3] is null,
                    typed.keyed_value,
                    typed.fields[4]
                ),
                'previous_value', typed.fields[5],
                -- an export without include=comment_events describes a comment by comment_present and
                -- comment_public only: public as given, no author (so never a reply)
                'public', try_cast(coalesce(typed.fields[6], typed.fields[7]) as boolean),
                'author_id', try_cast(nullif(trim(typed.fields[8]), '') as bigint)
            )
        ) as child_events,
        file_id as source_file_id,
        load_id as source_load_id
    from typed_children
)

select * from final

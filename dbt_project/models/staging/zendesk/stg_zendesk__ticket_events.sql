-- One row per ticket audit, whichever Zendesk export it came from: the incremental ticket events export (an event:
-- `updater_id`, `child_events` typed by `event_type`) or the Ticket Audits API (an audit: `author_id`, `events`
-- typed by `type`). Both hold the same audits under the same ids, so an audit seen more than once (overlapping
-- pages, or both formats) is kept once, from its latest file. The child events used downstream (Create, Change,
-- Comment; a VoiceComment is a comment) are put in one shape, ids as numbers; the others (Notification, Cc, ...)
-- stay in the raw table only. Real incremental exports also write a field's Create or Change keyed by the field's
-- own name (`{"event_type": "Change", "status": "solved", "previous_value": "open"}`): such a child event is the
-- change of that field (status, assignee_id or group_id), as if it had `field_name` and `value`. An event's time
-- is its `created_at`, else its `timestamp` (epoch seconds), SPEC 4.1.
{%- set keyed_fields = ['status', 'assignee_id', 'group_id'] %}
with audits as (
    {{ latest_version(
        source('helpdesk', 'zendesk_ticket_events'),
        "coalesce(" ~ json_bigint('id') ~ "::varchar, payload->>'id')"
    ) }}
),

typed_children as (
    select
        *,
        list_transform(
            coalesce(from_json(coalesce(payload->'child_events', payload->'events'), '["json"]'), []::json[]),
            lambda child: {
                'child_type': if((payload->'child_events') is not null, child->>'event_type', child->>'type'),
                'child': child,
                -- the field a child event without `field_name` is keyed by, and its value (a key with a JSON
                -- null value, as an unassignment, counts: its value is null)
                'keyed_field': case
                    {%- for field in keyed_fields %}
                    when (child->'{{ field }}') is not null then '{{ field }}'
                    {%- endfor %}
                end,
                'keyed_value': case
                    {%- for field in keyed_fields %}
                    when (child->'{{ field }}') is not null then child->>'{{ field }}'
                    {%- endfor %}
                end
            }
        ) as children
    from audits
),

final as (
    select
        {{ json_bigint('id') }} as event_id,
        {{ json_bigint('ticket_id') }} as ticket_id,
        coalesce(
            {{ json_timestamp('created_at') }},
            -- epoch seconds, as a number or a string (range checked at ingestion)
            to_timestamp(case
                when isfinite(try_cast(nullif(trim(payload->>'timestamp'), '') as double))
                    and try_cast(nullif(trim(payload->>'timestamp'), '') as double) between 0 and 253402300799
                    then try_cast(nullif(trim(payload->>'timestamp'), '') as double)
            end)
        ) as created_at,
        coalesce({{ json_bigint('updater_id') }}, {{ json_bigint('author_id') }}) as updater_id,
        list_transform(
            list_filter(children, lambda typed: typed.child_type in ('Create', 'Change', 'Comment', 'VoiceComment')),
            lambda typed: json_object(
                'event_type', if(typed.child_type = 'VoiceComment', 'Comment', typed.child_type),
                'field_name', if(
                    typed.child_type in ('Create', 'Change') and (typed.child->>'field_name') is null,
                    typed.keyed_field,
                    typed.child->>'field_name'
                ),
                'value', if(
                    typed.child_type in ('Create', 'Change') and (typed.child->>'field_name') is null,
                    typed.keyed_value,
                    typed.child->>'value'
                ),
                'previous_value', typed.child->>'previous_value',
                -- an export without include=comment_events describes a comment by comment_present and
                -- comment_public only: public as given, no author (so never a reply)
                'public', try_cast(coalesce(typed.child->>'public', typed.child->>'comment_public') as boolean),
                'author_id', try_cast(nullif(trim(typed.child->>'author_id'), '') as bigint)
            )
        ) as child_events,
        file_id as source_file_id
    from typed_children
)

select * from final

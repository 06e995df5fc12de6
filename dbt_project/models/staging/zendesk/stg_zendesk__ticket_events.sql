-- One row per ticket audit, whichever Zendesk export it came from: the incremental ticket events export (an event:
-- `updater_id`, `child_events` typed by `event_type`) or the Ticket Audits API (an audit: `author_id`, `events`
-- typed by `type`). Both hold the same audits under the same ids, so an audit seen more than once (overlapping
-- pages, or both formats) is kept once, from its latest file. The child events used downstream (Create, Change,
-- Comment; a VoiceComment is a comment) are put in one shape, ids as numbers; the others (Notification, Cc, ...)
-- stay in the raw table only.
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
                'child': child
            }
        ) as children
    from audits
),

final as (
    select
        {{ json_bigint('id') }} as event_id,
        {{ json_bigint('ticket_id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        coalesce({{ json_bigint('updater_id') }}, {{ json_bigint('author_id') }}) as updater_id,
        list_transform(
            list_filter(children, lambda typed: typed.child_type in ('Create', 'Change', 'Comment', 'VoiceComment')),
            lambda typed: json_object(
                'event_type', if(typed.child_type = 'VoiceComment', 'Comment', typed.child_type),
                'field_name', typed.child->>'field_name',
                'value', typed.child->>'value',
                'previous_value', typed.child->>'previous_value',
                'public', try_cast(typed.child->>'public' as boolean),
                'author_id', try_cast(nullif(trim(typed.child->>'author_id'), '') as bigint)
            )
        ) as child_events,
        file_id as source_file_id
    from typed_children
)

select * from final

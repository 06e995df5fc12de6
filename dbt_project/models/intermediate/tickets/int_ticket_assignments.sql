-- Assignee history per ticket, in order: Zendesk Create/Change events of `assignee_id` and generic CSV
-- assignee_change events. assignee_key is null for an unassignment.
with zendesk as (
    select
        ticket_id::varchar as ticket_id,
        created_at,
        'zendesk:' || try_cast(value as bigint) as assignee_key,
        row_number() over (partition by ticket_id order by created_at, event_id, child_position) as change_number
    from {{ ref('stg_zendesk__ticket_field_changes') }}
    where field_name = 'assignee_id'
),

generic as (
    select
        ticket_id,
        created_at,
        'agent:' || value as assignee_key,
        row_number() over (partition by ticket_id order by created_at, source_file_id, source_record_number)
            as change_number
    from {{ ref('stg_generic__ticket_events') }}
    where event_type = 'assignee_change' and ticket_id is not null and created_at is not null
),

final as (
    select * from zendesk
    union all
    select * from generic
)

select * from final

-- Assignee history per ticket: every Create/Change of assignee_id, in order.
with assignee_changes as (
    select
        ticket_id,
        created_at,
        event_id,
        child_position,
        try_cast(value as bigint) as assignee_id
    from {{ ref('stg_zendesk__ticket_field_changes') }}
    where field_name = 'assignee_id'
),

final as (
    select
        *,
        row_number() over (partition by ticket_id order by created_at, event_id, child_position) as change_number
    from assignee_changes
)

select * from final

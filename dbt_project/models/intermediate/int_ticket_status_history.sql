-- Per ticket: final solve (last change to solved; closed if never solved) and reopens (solved -> not closed).
with status_changes as (
    select
        ticket_id,
        created_at,
        value as status,
        coalesce(
            previous_value,
            lag(value) over (partition by ticket_id order by created_at, event_id, child_position)
        ) as previous_status
    from {{ ref('stg_zendesk__ticket_field_changes') }}
    where field_name = 'status'
),

final as (
    select
        ticket_id,
        max(created_at) filter (where status = 'solved') as last_solved_at,
        max(created_at) filter (where status = 'closed') as last_closed_at,
        count(*) filter (where previous_status = 'solved' and status not in ('solved', 'closed')) as reopen_count
    from status_changes
    group by ticket_id
)

select * from final

-- Per ticket: final solve (last change to solved; closed if never solved) and reopens (solved -> not closed).
with status_changes as (
    select * from {{ ref('int_ticket_status_changes') }}
),

final as (
    select
        ticket_id,
        max(changed_at) filter (where status = 'solved') as last_solved_at,
        max(changed_at) filter (where status = 'closed') as last_closed_at,
        count(*) filter (where previous_status = 'solved' and status not in ('solved', 'closed')) as reopen_count
    from status_changes
    group by ticket_id
)

select * from final

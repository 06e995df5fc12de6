-- One row per day and team: tickets open at the end of the day (reporting zone; the as-of time for the last
-- day), by status, and overdue (waiting on the agent longer than overdue_hours). Team = the team of the ticket's
-- assignee at that moment; team_id is null for tickets without a rostered assignee. The published
-- fct_backlog_daily is this model.
with snapshots as (
    select * from {{ ref('int_ticket_daily_snapshots') }}
),

final as (
    select
        snapshot_date,
        min(snapshot_at) as snapshot_at,
        team_id,
        count(*) as open_tickets,
        count(*) filter (where status = 'new') as new_tickets,
        count(*) filter (where status = 'open') as open_status_tickets,
        count(*) filter (where status = 'pending') as pending_tickets,
        count(*) filter (where status = 'hold') as hold_tickets,
        count(*) filter (where is_overdue) as overdue_tickets
    from snapshots
    group by snapshot_date, team_id
)

select * from final

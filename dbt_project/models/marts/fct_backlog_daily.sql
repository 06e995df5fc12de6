-- One row per day and team: tickets open at the end of the day, by status, and overdue.
-- Published from int_ticket_backlog_daily (the logic lives in the intermediate layer), with names beside the ids.
with backlog as (
    select * from {{ ref('int_ticket_backlog_daily') }}
),

final as (
    select
        backlog.*,
        {{ scope_name('team', 'backlog.team_id') }} as team_name
    from backlog
)

select * from final

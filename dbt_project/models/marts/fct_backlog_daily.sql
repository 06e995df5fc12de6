-- One row per day and team: tickets open at the end of the day, by status, and overdue.
-- Published as is from int_ticket_backlog_daily (the logic lives in the intermediate layer).
with backlog as (
    select * from {{ ref('int_ticket_backlog_daily') }}
),

final as (
    select * from backlog
)

select * from final

-- Calendar in the reporting time zone, one row per day from the first to the last day with data.
-- Published as is from int_calendar_days (the logic lives in the intermediate layer).
with calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select * from calendar_days
)

select * from final

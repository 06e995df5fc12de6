-- Calendar in the reporting time zone, one row per day from the first to the last day with data. The published
-- dim_date is this model.
with bounds as (
    select min(period_start) as first_day, max(period_start) as last_day
    from {{ ref('int_metric_period_aggregates') }}
    where period_grain = 'day'
),

days as (
    select unnest(range(first_day, last_day + interval 1 day, interval 1 day))::date as date_day
    from bounds
),

final as (
    select
        date_day,
        date_trunc('week', date_day)::date as week_start,
        date_trunc('month', date_day)::date as month_start,
        year(date_day) as year,
        month(date_day) as month,
        isoyear(date_day) as iso_year,
        week(date_day) as iso_week,
        isodow(date_day) as iso_day_of_week,
        dayname(date_day) as day_name,
        isodow(date_day) >= 6 as is_weekend
    from days
)

select * from final

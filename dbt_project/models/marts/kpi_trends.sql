-- Trends per scope, metric and period: previous period, change, change %, the same period last year (month:
-- 12 months, week: 52 weeks, day: 364 days, so the weekday matches) and rolling means of the last 3 periods
-- (7 and 28 days at day grain). Rolling means average the period values that exist in the window.
with metrics as (
    select * from {{ ref('kpi_metrics') }}
),

keyed as (
    select
        *,
        case period_grain
            when 'day' then period_start - interval 1 day
            when 'week' then period_start - interval 7 day
            else period_start - interval 1 month
        end::date as previous_period_start,
        case period_grain
            when 'day' then period_start - interval 364 day
            when 'week' then period_start - interval 364 day
            else period_start - interval 1 year
        end::date as last_year_period_start
    from metrics
),

-- The rolling windows per grain, each over its own rows only (a window per grain and row would sort them all).
day_rolling as (
    select
        *,
        avg(value) over (
            partition by scope_type, scope_id, metric order by period_start
            range between interval 6 day preceding and current row
        ) as rolling_mean,
        avg(value) over (
            partition by scope_type, scope_id, metric order by period_start
            range between interval 27 day preceding and current row
        ) as rolling_mean_28d
    from keyed
    where period_grain = 'day'
),

week_rolling as (
    select
        *,
        avg(value) over (
            partition by scope_type, scope_id, metric order by period_start
            range between interval 14 day preceding and current row
        ) as rolling_mean,
        null::double as rolling_mean_28d
    from keyed
    where period_grain = 'week'
),

month_rolling as (
    select
        *,
        avg(value) over (
            partition by scope_type, scope_id, metric order by period_start
            range between interval 2 month preceding and current row
        ) as rolling_mean,
        null::double as rolling_mean_28d
    from keyed
    where period_grain = 'month'
),

rolling as (
    select * from day_rolling
    union all by name
    select * from week_rolling
    union all by name
    select * from month_rolling
),

final as (
    select
        rolling.period_grain,
        rolling.period_start,
        rolling.scope_type,
        rolling.scope_id,
        rolling.scope_name,
        rolling.metric,
        rolling.value,
        rolling.is_complete_period,
        rolling.partial_reason,
        previous.value as previous_value,
        rolling.value - previous.value as change,
        (rolling.value - previous.value) / nullif(abs(previous.value), 0) as change_pct,
        last_year.value as same_period_last_year_value,
        case when rolling.period_grain <> 'day' then rolling.rolling_mean end as rolling_mean_3_periods,
        case when rolling.period_grain = 'day' then rolling.rolling_mean end as rolling_mean_7d,
        rolling.rolling_mean_28d
    from rolling
    left join metrics as previous
        on previous.period_grain = rolling.period_grain
        and previous.scope_type = rolling.scope_type
        and previous.scope_id = rolling.scope_id
        and previous.metric = rolling.metric
        and previous.period_start = rolling.previous_period_start
    left join metrics as last_year
        on last_year.period_grain = rolling.period_grain
        and last_year.scope_type = rolling.scope_type
        and last_year.scope_id = rolling.scope_id
        and last_year.metric = rolling.metric
        and last_year.period_start = rolling.last_year_period_start
)

select * from final

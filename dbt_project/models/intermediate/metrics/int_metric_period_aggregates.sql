-- Observations aggregated per grain (day, ISO week, month of the reporting zone) and period, for the org, each
-- team, each agent, and each agent within a team (for leave-one-out comparisons). Weekly and monthly values come
-- from the observations, never from daily values. Snapshot metrics keep only the snapshot of the period's last
-- day (the as-of day for a period not yet complete).
with definitions as (
    select * from {{ ref('int_metric_definitions') }}
),

as_of as (
    select
        source_system,
        as_of_at,
        timezone('{{ var("reporting_timezone") }}', as_of_at)::date as as_of_date
    from {{ ref('int_source_as_of') }}
),

grains as (
    select unnest(['day', 'week', 'month']) as period_grain
),

periodized as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, observations.period_date)::date as period_start,
        observations.*,
        definitions.kind,
        as_of.as_of_date
    from {{ ref('int_metric_observations') }} as observations
    cross join grains
    inner join definitions using (metric)
    left join as_of using (source_system)
),

in_period as (
    select * from periodized
    where kind <> 'snapshot'
        or period_date = least(
            (period_start + ('1 ' || period_grain)::interval - interval 1 day)::date, as_of_date
        )
),

final as (
    select
        period_grain,
        period_start,
        metric,
        case
            when grouping(team_id) = 0 and grouping(agent_id) = 0 then 'agent_in_team'
            when grouping(team_id) = 0 then 'team'
            when grouping(agent_id) = 0 then 'agent'
            else 'org'
        end as scope_type,
        case
            when grouping(team_id) = 0 and grouping(agent_id) = 0 then agent_id
            else coalesce(team_id, agent_id, 'all')
        end as scope_id,
        case when grouping(team_id) = 0 and grouping(agent_id) = 0 then team_id end as within_team_id,
        sum(numerator) as numerator_sum,
        sum(denominator) as denominator_sum,
        count(*) as observation_count,
        count(value) as value_count,
        sum(value) as value_sum,
        avg(value) as value_mean,
        -- the costly aggregates only for the kinds that read them (kpi_metrics, kpi_agent_vs_team)
        stddev_samp(value) filter (where kind = 'mean') as value_stddev,
        stddev_samp(numerator) filter (where kind = 'score') as numerator_stddev,
        quantile_cont(value, 0.5) filter (where kind = 'median') as value_median,
        quantile_cont(value, 0.9) filter (where kind = 'p90') as value_p90,
        count(distinct distinct_actor) filter (where kind = 'per_agent') as distinct_actors
    from in_period
    group by grouping sets (
        (period_grain, period_start, metric),
        (period_grain, period_start, metric, team_id),
        (period_grain, period_start, metric, agent_id),
        (period_grain, period_start, metric, team_id, agent_id)
    )
    -- Groups of rows without a team or agent are not scopes (those rows count at org only).
    having not ((grouping(team_id) = 0 and team_id is null) or (grouping(agent_id) = 0 and agent_id is null))
)

select * from final

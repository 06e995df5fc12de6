-- Every metric of the registry for every grain (day, ISO week, month in the reporting zone) and scope (org,
-- team, agent) where it is defined, computed from the observations of each period (never from daily values).
-- A period with no qualifying record has no row.
with observations as (
    select
        *,
        timezone('{{ var("reporting_timezone") }}', event_at) as event_local_at
    from {{ ref('int_metric_observations') }}
),

grains as (
    select unnest(['day', 'week', 'month']) as period_grain
),

periodized as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, observations.event_local_at)::date as period_start,
        observations.*
    from observations
    cross join grains
),

aggregated as (
    select
        period_grain,
        period_start,
        metric,
        case
            when grouping(team_id) = 0 then 'team'
            when grouping(agent_id) = 0 then 'agent'
            else 'org'
        end as scope_type,
        coalesce(team_id, agent_id, 'all') as scope_id,
        sum(numerator) as numerator_sum,
        sum(denominator) as denominator_sum,
        count(value) as value_count,
        avg(value) as value_mean,
        quantile_cont(value, 0.5) as value_median,
        quantile_cont(value, 0.9) as value_p90
    from periodized
    group by grouping sets (
        (period_grain, period_start, metric),
        (period_grain, period_start, metric, team_id),
        (period_grain, period_start, metric, agent_id)
    )
),

definitions as (
    select * from {{ ref('metric_definitions') }}
),

valued as (
    select
        aggregated.*,
        definitions.kind,
        definitions.source_system,
        case definitions.kind
            when 'count' then aggregated.numerator_sum
            when 'rate' then aggregated.numerator_sum / nullif(aggregated.denominator_sum, 0)
            when 'score' then 100.0 * aggregated.numerator_sum / nullif(aggregated.denominator_sum, 0)
            when 'mean' then aggregated.value_mean
            when 'median' then aggregated.value_median
            when 'p90' then aggregated.value_p90
        end as value,
        case when definitions.kind in ('count', 'rate', 'score') then aggregated.numerator_sum end as numerator,
        case when definitions.kind in ('rate', 'score') then aggregated.denominator_sum end as denominator,
        -- The n behind the value: records counted, the rate's denominator, or the values averaged.
        case definitions.kind
            when 'count' then aggregated.numerator_sum
            when 'rate' then aggregated.denominator_sum
            when 'score' then aggregated.denominator_sum
            else aggregated.value_count
        end::bigint as sample_size
    from aggregated
    inner join definitions using (metric)
    -- A team or agent group of rows without a team or agent is not a scope (those rows count at org only).
    where list_contains(definitions.scopes, aggregated.scope_type)
        and not (aggregated.scope_type <> 'org' and aggregated.scope_id = 'all')
),

scope_names as (
    select distinct on (agent_id) 'agent' as scope_type, agent_id as scope_id, agent_name as scope_name
    from {{ ref('int_agent_team_history') }}
    order by agent_id, valid_from desc
),

team_names as (
    select distinct on (team_id) 'team' as scope_type, team_id as scope_id, team_name as scope_name
    from {{ ref('int_agent_team_history') }}
    order by team_id, valid_from desc
),

as_of as (
    select * from {{ ref('int_source_as_of') }}
),

final as (
    select
        valued.period_grain,
        valued.period_start,
        valued.scope_type,
        valued.scope_id,
        coalesce(scope_names.scope_name, team_names.scope_name,
                 case when valued.scope_type = 'org' then 'All' else valued.scope_id end) as scope_name,
        valued.metric,
        valued.value,
        valued.numerator,
        valued.denominator,
        valued.sample_size,
        {{ local_midnight("valued.period_start + ('1 ' || valued.period_grain)::interval") }} <= as_of.as_of_at
            as is_complete_period
    from valued
    left join as_of using (source_system)
    left join scope_names using (scope_type, scope_id)
    left join team_names using (scope_type, scope_id)
    where valued.value is not null
)

select * from final

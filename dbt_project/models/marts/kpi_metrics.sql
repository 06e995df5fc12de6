-- Every metric of the registry for every grain (day, ISO week, month in the reporting zone) and scope (org,
-- team, agent) where it is defined, with its numerator and denominator (rates) or sample size. A period with no
-- qualifying record has no row.
with definitions as (
    select * from {{ ref('metric_definitions') }}
),

aggregates as (
    select
        period_grain, period_start, metric, scope_type, scope_id,
        numerator_sum, denominator_sum, value_count, value_mean, value_median, value_p90, distinct_actors
    from {{ ref('int_metric_period_aggregates') }}
    where scope_type in ('org', 'team', 'agent')

    union all

    {%- for metric in var('metric_registry') if metric.kind == 'precomputed' %}
    select
        period_grain, period_start, metric, scope_type, scope_id,
        numerator_sum, denominator_sum, null, null, null, null, null
    from {{ ref(metric.source) }}
    where metric = '{{ metric.name }}'
    union all
    {%- endfor %}

    select null, null, null, null, null, null, null, null, null, null, null, null
    where false
),

valued as (
    select
        aggregates.*,
        definitions.source_system,
        case definitions.kind
            when 'count' then aggregates.numerator_sum
            when 'snapshot' then aggregates.numerator_sum
            when 'rate' then aggregates.numerator_sum / nullif(aggregates.denominator_sum, 0)
            when 'precomputed' then aggregates.numerator_sum / nullif(aggregates.denominator_sum, 0)
            when 'score' then 100.0 * aggregates.numerator_sum / nullif(aggregates.denominator_sum, 0)
            when 'per_agent' then aggregates.numerator_sum / nullif(aggregates.distinct_actors, 0)
            when 'mean' then aggregates.value_mean
            when 'median' then aggregates.value_median
            when 'p90' then aggregates.value_p90
        end as value,
        case when definitions.kind in ('count', 'snapshot', 'rate', 'precomputed', 'score', 'per_agent')
            then aggregates.numerator_sum
        end as numerator,
        case
            when definitions.kind in ('rate', 'precomputed', 'score') then aggregates.denominator_sum
            when definitions.kind = 'per_agent' then aggregates.distinct_actors
        end as denominator,
        -- The n behind the value: records counted (snapshot: tickets in the backlog), the rate's denominator,
        -- or the values averaged.
        case
            when definitions.kind = 'count' then aggregates.numerator_sum
            when definitions.kind in ('snapshot', 'rate', 'precomputed', 'score') then aggregates.denominator_sum
            when definitions.kind = 'per_agent' then aggregates.distinct_actors
            else aggregates.value_count
        end::bigint as sample_size
    from aggregates
    inner join definitions using (metric)
    where list_contains(definitions.scopes, aggregates.scope_type)
),

agent_names as (
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
        coalesce(agent_names.scope_name, team_names.scope_name,
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
    left join agent_names using (scope_type, scope_id)
    left join team_names using (scope_type, scope_id)
    where valued.value is not null
)

select * from final

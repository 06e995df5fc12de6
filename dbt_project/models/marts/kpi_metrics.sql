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

scope_names as (
    select * from {{ ref('int_scope_names') }}
),

as_of as (
    select * from {{ ref('int_source_as_of') }}
),

periods as (
    -- A period is partial when it ends after the source's as-of time (trailing) or starts before the local day of
    -- the source's first data (leading: the data begins within it, which would otherwise show as a dip). A period
    -- that is both (all the data within one period) is trailing.
    select distinct
        valued.period_grain,
        valued.period_start,
        valued.source_system,
        case
            when as_of.as_of_at is null
                or {{ local_midnight("valued.period_start + ('1 ' || valued.period_grain)::interval") }}
                    > as_of.as_of_at
                then 'trailing'
            when valued.period_start < timezone('{{ var("reporting_timezone") }}', as_of.first_data_at)::date
                then 'leading'
        end as partial_reason
    from valued
    left join as_of using (source_system)
),

final as (
    select
        valued.period_grain,
        valued.period_start,
        valued.scope_type,
        valued.scope_id,
        coalesce(scope_names.scope_name, case when valued.scope_type = 'org' then 'All' else valued.scope_id end)
            as scope_name,
        valued.metric,
        valued.value,
        valued.numerator,
        valued.denominator,
        valued.sample_size,
        periods.partial_reason is null as is_complete_period,
        periods.partial_reason
    from valued
    left join periods using (period_grain, period_start, source_system)
    left join scope_names using (scope_type, scope_id)
    where valued.value is not null
)

select * from final

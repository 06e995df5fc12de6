-- kpi_scorecard, unpivoted, is exactly kpi_metrics with its targets (kpi_target_attainment): the same values,
-- targets and met flags for every period, scope and metric, and no value more or less. Rows returned disagree.
{% set metrics = var('metric_registry') %}

with scorecard_long as (
    {%- for metric in metrics %}
    select
        period_grain, period_start, scope_type, scope_id, scope_name, is_complete_period,
        '{{ metric.name }}' as metric,
        {{ metric.name }} as value,
        {{ metric.name }}_target as target,
        {{ metric.name }}_met as met
    from {{ ref('kpi_scorecard') }}
    where {{ metric.name }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

expected as (
    select
        metrics.period_grain, metrics.period_start, metrics.scope_type, metrics.scope_id, metrics.scope_name,
        metrics.is_complete_period, metrics.metric, metrics.value, attainment.target, attainment.met
    from {{ ref('kpi_metrics') }} as metrics
    left join {{ ref('kpi_target_attainment') }} as attainment
        using (period_grain, period_start, scope_type, scope_id, metric)
),

only_in_scorecard as (
    select 'only in kpi_scorecard' as problem, * from (select * from scorecard_long except all select * from expected)
),

only_in_metrics as (
    select 'missing from kpi_scorecard' as problem, * from (select * from expected except all select * from scorecard_long)
),

final as (
    select * from only_in_scorecard
    union all
    select * from only_in_metrics
)

select * from final

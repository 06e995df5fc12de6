-- kpi_metrics and kpi_target_attainment in wide form, for dashboards: one row per grain, period, scope and
-- completeness; per metric of the registry three columns: its value, its target and whether the target was met
-- (null where no target applies or the metric has no value). The values are those of kpi_metrics, unchanged.
{% set metrics = var('metric_registry') %}

with metrics as (
    select * from {{ ref('kpi_metrics') }}
),

attainment as (
    select * from {{ ref('kpi_target_attainment') }}
),

with_targets as (
    select
        metrics.period_grain,
        metrics.period_start,
        metrics.scope_type,
        metrics.scope_id,
        metrics.scope_name,
        metrics.is_complete_period,
        metrics.metric,
        metrics.value,
        attainment.target,
        attainment.met
    from metrics
    left join attainment using (period_grain, period_start, scope_type, scope_id, metric)
),

by_metric as (
    -- one map per row of the scorecard: metric -> (value, target, met); one aggregate instead of three per metric
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        is_complete_period,
        map_from_entries(list(struct_pack(
            k := metric, v := struct_pack(value := value, target := target, met := met)
        ))) as metric_values
    from with_targets
    group by period_grain, period_start, scope_type, scope_id, scope_name, is_complete_period
),

final as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        is_complete_period,
        {%- for metric in metrics %}
        metric_values['{{ metric.name }}'].value as {{ metric.name }},
        metric_values['{{ metric.name }}'].target as {{ metric.name }}_target,
        metric_values['{{ metric.name }}'].met as {{ metric.name }}_met
        {{- "," if not loop.last }}
        {%- endfor %}
    from by_metric
)

select * from final

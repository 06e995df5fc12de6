-- The metric registry (var metric_registry) as data: one row per metric. Read by int_metric_period_aggregates;
-- the published metric_definitions is this model.
{% set metrics = var('metric_registry') %}

with registry as (
    {% for metric in metrics %}
    select
        '{{ metric.name }}' as metric,
        '{{ metric.unit }}' as unit,
        '{{ metric.direction }}' as direction,
        '{{ metric.kind }}' as kind,
        '{{ metric.source_system }}' as source_system,
        ['day', 'week', 'month'] as grains,
        [{% for scope in metric.scopes %}'{{ scope }}'{{ ", " if not loop.last }}{% endfor %}] as scopes,
        '{{ metric.description | replace("'", "''") }}' as description
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from registry
)

select * from final

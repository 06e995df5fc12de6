-- The metric registry (var metric_registry) as data: one row per metric. Read by int_metric_period_aggregates;
-- the published metric_definitions is this model.
{% set metrics = var('metric_registry') %}
{% set source_formats = var('source_formats') %}

with registry as (
    {% for metric in metrics %}
    select
        '{{ metric.name }}' as metric,
        '{{ metric.label | replace("'", "''") }}' as label,
        '{{ metric.format }}' as format,
        '{{ metric.unit }}' as unit,
        '{{ metric.direction }}' as direction,
        '{{ metric.kind }}' as kind,
        '{{ metric.source_system }}' as source_system,
        ['day', 'week', 'month'] as grains,
        [{% for scope in metric.scopes %}'{{ scope }}'{{ ", " if not loop.last }}{% endfor %}] as scopes,
        '{{ metric.description | replace("'", "''") }}' as description,
        {%- set unsupported = metric.get('unsupported', {}) %}
        {%- set formats = [] %}
        {%- for system in metric.get('sources_from', [metric.source_system]) %}
        {%- for format in source_formats[system] if format not in formats %}{% do formats.append(format) %}{% endfor %}
        {%- endfor %}
        [{% for format in formats if format not in unsupported %}'{{ format }}'{{ ", " if not loop.last }}{% endfor %}]::varchar[]
            as sources,
        {% if unsupported -%}
        '{% for format, reason in unsupported.items() %}{{ format }}: {{ reason | replace("'", "''") }}{{ "; " if not loop.last }}{% endfor %}'
        {%- else -%}
        null::varchar
        {%- endif %} as unsupported_sources
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from registry
)

select * from final

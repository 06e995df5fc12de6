{#- A SQL snippet of the metric registry with its {threshold} placeholders replaced by the dbt vars. -#}
{% macro render_metric_sql(snippet) -%}
    {%- if snippet is none -%}
        null
    {%- else -%}
        {%- set rendered = namespace(text=snippet | string) -%}
        {%- for name in ['first_reply_target_minutes', 'overdue_hours', 'short_abandon_seconds',
                         'service_level_seconds', 'repeat_window_hours', 'continuity_days', 'qa_pass_threshold'] -%}
            {%- set rendered.text = rendered.text | replace('{' ~ name ~ '}', var(name) | string) -%}
        {%- endfor -%}
        {{ rendered.text }}
    {%- endif -%}
{%- endmacro %}

{#- The registry entry of one metric. -#}
{% macro metric_entry(name) -%}
    {%- for metric in var('metric_registry') if metric.name == name -%}
        {{ return(metric) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('metric ' ~ name ~ ' is not in the metric registry') }}
{%- endmacro %}

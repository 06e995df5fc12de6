{#- A SQL snippet of the metric registry with each {name} placeholder replaced by the dbt var `name` (any var; a
    threshold such as {first_reply_target_minutes}). Jinja has no regex: the snippet is split on '{', and each
    piece after the first must hold `name}` followed by more SQL. A placeholder that is not an identifier, is not
    closed, or names no dbt var fails the compilation, naming the metric and the snippet. -#}
{% macro render_metric_sql(snippet, metric_name=none) -%}
    {%- if snippet is none -%}
        null
    {%- else -%}
        {%- set text = snippet | string -%}
        {%- set where = ('metric ' ~ metric_name ~ ', ' if metric_name else '') ~ 'snippet "' ~ text ~ '"' -%}
        {%- set identifier_characters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_' -%}
        {%- set pieces = text.split('{') -%}
        {%- set rendered = namespace(text=pieces[0]) -%}
        {%- if '}' in pieces[0] -%}
            {{ exceptions.raise_compiler_error('metric registry: ' ~ where ~ ' has a "}" without a "{"') }}
        {%- endif -%}
        {%- for piece in pieces[1:] -%}
            {%- if '}' not in piece -%}
                {{ exceptions.raise_compiler_error('metric registry: ' ~ where ~ ' has a "{" without a closing "}"') }}
            {%- endif -%}
            {%- set name, rest = piece.split('}', 1) -%}
            {%- if '}' in rest -%}
                {{ exceptions.raise_compiler_error('metric registry: ' ~ where ~ ' has a "}" without a "{"') }}
            {%- endif -%}
            {%- set invalid = namespace(found=(name | length == 0) or name[0] in '0123456789') -%}
            {%- for character in name if character not in identifier_characters -%}
                {%- set invalid.found = true -%}
            {%- endfor -%}
            {%- if invalid.found -%}
                {{ exceptions.raise_compiler_error(
                    'metric registry: ' ~ where ~ ' has the placeholder {' ~ name ~ '}, which is not a dbt var name') }}
            {%- endif -%}
            {%- if not var.has_var(name) -%}
                {{ exceptions.raise_compiler_error(
                    'metric registry: ' ~ where ~ ' names {' ~ name ~ '}, which is not a dbt var (vars in dbt_project.yml)') }}
            {%- endif -%}
            {%- set rendered.text = rendered.text ~ (var(name) | string) ~ rest -%}
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

{#- Layers get plain schema names (staging, intermediate, marts): the published file exposes schema `marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}

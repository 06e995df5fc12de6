{#- A stable salted SHA-256 of a personal value (phone digits, email): published marts never carry the value.
    The salt comes from SUPPORT_KPI_PII_SALT, which the orchestration checks before dbt runs. -#}
{% macro pii_hash(expression) -%}
    {%- set salt = env_var('SUPPORT_KPI_PII_SALT', '') -%}
    {%- if execute and not salt -%}
        {{ exceptions.raise_compiler_error('SUPPORT_KPI_PII_SALT is not set: personal data cannot be hashed') }}
    {%- endif -%}
    case when {{ expression }} is not null then sha256('{{ salt | replace("'", "''") }}' || {{ expression }}) end
{%- endmacro %}

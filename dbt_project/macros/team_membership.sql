{#- Left-join the roster membership of `agent_column` valid at `at_column` ([valid_from, valid_to)). -#}
{% macro join_team_membership(agent_column, at_column, alias='membership') -%}
    left join {{ ref('int_agent_team_history') }} as {{ alias }}
        on {{ alias }}.agent_id = {{ agent_column }}
        and {{ at_column }} >= {{ alias }}.valid_from_at
        and ({{ alias }}.valid_to_at is null or {{ at_column }} < {{ alias }}.valid_to_at)
{%- endmacro %}

{#- A local date (reporting zone) as the UTC instant of its midnight. -#}
{% macro local_midnight(date_expression) -%}
    timezone('{{ var("reporting_timezone") }}', ({{ date_expression }})::timestamp)
{%- endmacro %}

{#- Seconds between two instants, as a double (calendar time). -#}
{% macro seconds_between(start_at, end_at) -%}
    (epoch({{ end_at }}) - epoch({{ start_at }}))
{%- endmacro %}

{#- The name shown beside an agent or team id (int_scope_names); null for a null or unknown id. -#}
{% macro scope_name(scope_type, id_column) -%}
    (
        select scope_names.scope_name from {{ ref('int_scope_names') }} as scope_names
        where scope_names.scope_type = '{{ scope_type }}' and scope_names.scope_id = {{ id_column }}
    )
{%- endmacro %}

{#- Typed access to raw JSON payloads, so staging models read alike. -#}
{% macro json_text(field) -%}
    nullif(trim(payload->>'{{ field }}'), '')
{%- endmacro %}

{% macro json_timestamp(field) -%}
    try_cast(payload->>'{{ field }}' as timestamptz)
{%- endmacro %}

{% macro json_bigint(field) -%}
    try_cast(nullif(trim(payload->>'{{ field }}'), '') as bigint)
{%- endmacro %}

{#- The latest version of each record of a raw table: greatest `order_by`, ties to the later file and line. -#}
{% macro latest_version(relation, key, order_by=none) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key }}
        order by {% if order_by %}{{ order_by }} desc nulls last, {% endif %}file_id desc, record_number desc
    ) = 1
{%- endmacro %}

{#- Reference files are edited in place: only the rows of the most recently ingested version count. -#}
{% macro latest_file(relation) -%}
    select *
    from {{ relation }}
    where file_id = (select max(file_id) from {{ relation }})
{%- endmacro %}

{#- The child events of Zendesk ticket audits, one row each, with their position and the creating-audit flag
    (the audit holding Create child events). -#}
{% macro zendesk_child_events(audits_relation) -%}
    select
        event_id,
        ticket_id,
        created_at,
        len(list_filter(child_events, lambda child: child->>'event_type' = 'Create')) > 0 as is_creating_audit,
        unnest(range(1, len(child_events) + 1)) as child_position,
        unnest(child_events) as child_event
    from {{ audits_relation }}
{%- endmacro %}

{#- A Freshdesk status as the neutral status: by its API code (2 open, 3 pending, 4 resolved, 5 closed) or by its
    name in the UI export; custom statuses through var freshdesk_custom_statuses (code or name -> neutral status),
    else hold. -#}
{% macro freshdesk_status(expression, kind) -%}
    {%- set custom = var('freshdesk_custom_statuses') -%}
    {%- set builtin = {'2': 'open', '3': 'pending', '4': 'solved', '5': 'closed'} if kind == 'code'
        else {'open': 'open', 'pending': 'pending', 'resolved': 'solved', 'closed': 'closed'} -%}
    case when {{ expression }} is null then null else case lower(trim({{ expression }}))
        {%- for key, status in builtin.items() %}
        when '{{ key }}' then '{{ status }}'
        {%- endfor %}
        {%- for key, status in custom.items() %}
        when '{{ key | string | lower | replace("'", "''") }}' then '{{ status }}'
        {%- endfor %}
        else 'hold'
    end end
{%- endmacro %}

{#- A date of Freshdesk's ticket export (`YYYY-MM-DD HH:MM:SS`, no offset) read in var freshdesk_timezone. -#}
{% macro freshdesk_export_time(column) -%}
    timezone(
        '{{ var("freshdesk_timezone") }}',
        try_strptime(nullif(trim(payload->>'{{ column }}'), ''), ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M'])
    )
{%- endmacro %}

-- One row per ticket of Freshdesk's UI ticket export (CSV or .xls), the row with the latest `Last update time`
-- (ties: the later file). Its dates have no offset: they are read in freshdesk_timezone, the exporting agent's
-- zone. Status, Agent and Group are names (Agent matches the roster's agent_name, case-insensitive).
with export_rows as (
    {{ latest_version(
        source('helpdesk', 'freshdesk_ticket_exports'),
        "payload->>'Ticket ID'",
        freshdesk_export_time("Last update time")
    ) }}
),

final as (
    select
        {{ json_text('Ticket ID') }} as ticket_id,
        {{ json_text('Subject') }} as subject,
        {{ json_text('Status') }} as status_name,
        {{ freshdesk_status(json_text('Status'), 'name') }} as status,
        case lower({{ json_text('Priority') }})
            when 'medium' then 'normal' else lower({{ json_text('Priority') }})
        end as priority,
        lower({{ json_text('Source') }}) as channel,
        {{ json_text('Type') }} as ticket_type,
        {{ json_text('Agent') }} as agent_name,
        {{ json_text('Group') }} as group_name,
        {{ freshdesk_export_time('Created time') }} as created_at,
        {{ freshdesk_export_time('Last update time') }} as updated_at,
        {{ freshdesk_export_time('Initial response time') }} as first_responded_at,
        coalesce({{ freshdesk_export_time('Resolved time') }}, {{ freshdesk_export_time('Closed time') }})
            as final_solved_at,
        coalesce(
            list_filter(list_transform(string_split({{ json_text('Tags') }}, ','), lambda tag: trim(tag)),
                lambda tag: tag <> ''),
            []::varchar[]
        ) as tags,
        file_id as source_file_id
    from export_rows
)

select * from final

-- One row per Qualtrics ResponseId (a repeated response keeps its latest file), with the counted flag.
with response_rows as (
    {{ latest_version(source('surveys', 'qualtrics_responses'), "payload->>'ResponseId'") }}
),

typed as (
    select
        {{ json_text('ResponseId') }} as response_id,
        try_cast(payload->>'RecordedDate' as timestamp) as recorded_at_local,
        {{ json_text('Status') }} as status,
        lower(coalesce({{ json_text('Finished') }}, '')) in ('true', '1') as is_finished,
        try_cast({{ json_text(var('qualtrics_nps_question')) }} as integer) as nps_score,
        try_cast({{ json_text(var('qualtrics_csat_question')) }} as integer) as csat_score,
        {{ json_text(var('qualtrics_comment_question')) }} as comment,
        try_cast({{ json_text('ticket_id') }} as bigint) as ticket_id,
        {{ json_text('call_id') }} as call_id,
        {{ json_text('RecipientEmail_hash') }} as customer_email_hash,
        file_id as source_file_id
    from response_rows
),

final as (
    select
        response_id,
        -- RecordedDate has no zone: it is read in qualtrics_timezone.
        timezone('{{ var("qualtrics_timezone") }}', recorded_at_local) as responded_at,
        status,
        is_finished,
        coalesce(status in (
            {%- for status in var('qualtrics_counted_statuses') %}'{{ status }}'{{ ", " if not loop.last }}{% endfor -%}
        ), false) and is_finished as is_counted,
        nps_score,
        csat_score,
        comment,
        ticket_id,
        call_id,
        customer_email_hash,
        source_file_id
    from typed
)

select * from final

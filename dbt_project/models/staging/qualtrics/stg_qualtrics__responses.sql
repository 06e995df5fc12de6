-- One row per Qualtrics ResponseId (a repeated response keeps its latest file), with the counted flag. The
-- ingestion read each export with its survey's questions (reference/surveys.csv, else the qualtrics_* vars) and
-- put the scores it found under payload._read_as; a row without it is read with the vars' question ids.
with response_rows as (
    {{ latest_version(source('surveys', 'qualtrics_responses'), "payload->>'ResponseId'") }}
),

typed as (
    select
        {{ json_text('ResponseId') }} as response_id,
        try_cast(payload->>'RecordedDate' as timestamp) as recorded_at_local,
        coalesce(payload->'_read_as'->>'time_zone', '{{ var("qualtrics_timezone") }}') as export_timezone,
        {{ json_text('Status') }} as status,
        lower(coalesce({{ json_text('Finished') }}, '')) in ('true', '1') as is_finished,
        case when (payload->'_read_as') is not null
            then try_cast(payload->'_read_as'->>'nps_score' as integer)
            else try_cast({{ json_text(var('qualtrics_nps_question')) }} as integer)
        end as nps_score,
        payload->'_read_as'->>'nps_group' as nps_group,
        case when (payload->'_read_as') is not null
            then try_cast(payload->'_read_as'->>'csat_score' as integer)
            else try_cast({{ json_text(var('qualtrics_csat_question')) }} as integer)
        end as csat_score,
        coalesce(try_cast(payload->'_read_as'->>'csat_scale_max' as integer), 5) as csat_scale_max,
        case when (payload->'_read_as') is not null
            then payload->'_read_as'->>'comment'
            else {{ json_text(var('qualtrics_comment_question')) }}
        end as comment,
        try_cast(
            case when (payload->'_read_as') is not null then payload->'_read_as'->>'ticket_id'
                else {{ json_text('ticket_id') }} end
            as bigint
        ) as ticket_id,
        case when (payload->'_read_as') is not null then payload->'_read_as'->>'call_id'
            else {{ json_text('call_id') }} end as call_id,
        payload->'_read_as'->>'survey' as survey,
        {{ json_text('RecipientEmail_hash') }} as customer_email_hash,
        file_id as source_file_id
    from response_rows
),

final as (
    select
        response_id,
        -- RecordedDate has no zone: it is read in the export's own zone (its ImportId row), else qualtrics_timezone.
        timezone(export_timezone, recorded_at_local) as responded_at,
        export_timezone,
        status,
        is_finished,
        coalesce(status in (
            {%- for status in var('qualtrics_counted_statuses') %}'{{ status }}'{{ ", " if not loop.last }}{% endfor -%}
        ), false) and is_finished as is_counted,
        nps_score,
        nps_group,
        -- The score decides; the NPS group column Qualtrics writes beside the question is a cross-check.
        nps_group = case when nps_score >= 9 then 'promoter' when nps_score >= 7 then 'passive'
            when nps_score >= 0 then 'detractor' end as nps_group_agrees,
        csat_score,
        csat_scale_max,
        comment,
        ticket_id,
        call_id,
        survey,
        customer_email_hash,
        source_file_id
    from typed
)

select * from final

-- One row per SurveyMonkey response, from CSV exports and API v3 responses alike: a CSV export's Respondent ID is
-- the API's response id, so a response landed both ways is one row (its latest file). The ingestion read each file
-- with its survey's reference/surveys.csv row (and, for the API, the survey's details) and put the scores it found
-- under payload._read_as.
with csv_rows as (
    select
        'csv' as export_format,
        {{ json_text('Respondent ID') }} as response_id,
        {{ json_text('Collector ID') }} as collector_id,
        null::varchar as survey_id,
        null::varchar as response_status,
        -- End Date is naive local time (the exporting account's zone): read in surveymonkey_timezone.
        timezone(
            '{{ var("surveymonkey_timezone") }}',
            try_cast(payload->'_read_as'->>'ended_at_local' as timestamp)
        ) as responded_at,
        payload->'_read_as' as read_as,
        {{ json_text('Email Address_hash') }} as customer_email_hash,
        file_id,
        record_number
    from {{ source('surveys', 'surveymonkey_responses') }}
),

api_rows as (
    select
        'api' as export_format,
        {{ json_text('id') }} as response_id,
        {{ json_text('collector_id') }} as collector_id,
        {{ json_text('survey_id') }} as survey_id,
        {{ json_text('response_status') }} as response_status,
        {{ json_timestamp('date_modified') }} as responded_at,
        payload->'_read_as' as read_as,
        {{ json_text('email_address_hash') }} as customer_email_hash,
        file_id,
        record_number
    from {{ source('surveys', 'surveymonkey_api_responses') }}
),

unioned as (
    select * from csv_rows
    union all
    select * from api_rows
),

latest as (
    select *
    from unioned
    qualify row_number() over (partition by response_id order by file_id desc, record_number desc) = 1
),

final as (
    select
        response_id,
        responded_at,
        export_format,
        collector_id,
        survey_id,
        response_status,
        -- An API response counts when completed; a CSV export carries no status (export completed responses).
        coalesce(response_status = 'completed', export_format = 'csv') as is_counted,
        try_cast(read_as->>'nps_score' as integer) as nps_score,
        try_cast(read_as->>'csat_score' as integer) as csat_score,
        coalesce(try_cast(read_as->>'csat_scale_max' as integer), 5) as csat_scale_max,
        nullif(trim(read_as->>'comment'), '') as comment,
        nullif(trim(read_as->>'ticket_id'), '') as ticket_id,
        nullif(trim(read_as->>'call_id'), '') as call_id,
        read_as->>'survey' as survey,
        customer_email_hash,
        file_id as source_file_id
    from latest
)

select * from final

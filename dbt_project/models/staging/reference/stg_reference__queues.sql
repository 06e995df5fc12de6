-- Owner team of each call queue, from the latest queues file.
with queue_rows as (
    {{ latest_file(source('reference', 'queues')) }}
),

final as (
    select
        {{ json_text('queue') }} as queue,
        {{ json_text('team_id') }} as team_id
    from queue_rows
    qualify row_number() over (partition by queue order by record_number desc) = 1
)

select * from final

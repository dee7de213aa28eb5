-- View bls_data: every survey's data files (bls/<survey>/<survey>.data.*) trimmed and typed.
-- BLS pads fields with spaces; a value that is not a number (a footnoted gap) becomes null.
-- A survey folder also holds pr.series, pr.period, …: only data files are read.
select
  survey,
  regexp_extract("$path", '[^/]+$') as file,
  trim(series_id) as series_id,
  try_cast(trim(year) as integer) as year,
  trim(period) as period,
  try_cast(trim(value) as decimal(18, 6)) as value,
  trim(footnote_codes) as footnote_codes
from bls_files
where regexp_extract("$path", '[^/]+$') like '%.data.%'

"""What an agency should do about each finding: the wording of its feedback workbook, in Vietnamese and English.

A finding's own message (``findings.CODES``) is written for the Sở Nội vụ, who reads every file
(«Tạm tính theo triệu đồng»). The agency that receives its file back needs to be told what to
change and where: «Sửa ô G18 (Phụ lục 1) thành 43 (triệu đồng)». Each code has one such sentence
here, registered in the message table as ``feedback.<code>`` (``tests/test_feedback_agency.py``
checks that every code has one, in both languages, using only values the finding carries).

Placeholders are the finding's fields and params, as in its own message, and ``{at}``: «ô G18
(Phụ lục 1)» / «cell G18 (Phụ lục 1)», or the row, or the file when the finding names no cell.
"""

from __future__ import annotations

from dataclasses import asdict

from . import messages
from .findings import Finding

__all__ = ["ADVICE", "advice"]

ADVICE: dict[str, tuple[str, str]] = {
    # files and returns
    "file-unreadable": (
        "Sở không đọc được tệp ({reason}). Hãy mở tệp bằng Excel, lưu lại dạng .xlsx (Excel Workbook) rồi gửi lại.",
        "The Sở cannot read the file ({reason}). Open it in Excel, save it as .xlsx (Excel Workbook) and send it again."),
    "file-skipped": (
        "Tệp này không được đọc ({reason}). Nếu đây là báo cáo của đơn vị, hãy gửi lại dạng .xlsx.",
        "This file was not read ({reason}). If it is your return, send it again as .xlsx."),
    "wrong-template": (
        "Tệp không có bảng Phụ lục 1 hay Phụ lục 2 của biểu mẫu ({reason}). Hãy điền vào biểu mẫu Sở Nội vụ đã gửi rồi gửi lại.",
        "The file has no Phụ lục 1 or Phụ lục 2 table of the template ({reason}). Fill in the template the Sở Nội vụ sent and send it again."),
    "template-version": (
        "Tệp dùng biểu mẫu cũ (phiên bản {found}). Hãy chép số liệu sang biểu mẫu mới (phiên bản {expected}) rồi gửi lại.",
        "The file uses an old template (version {found}). Copy your figures into the new template (version {expected}) and send it again."),
    "duplicate-return": (
        "Đơn vị đã gửi nhiều tệp; Sở dùng tệp lưu sau cùng ({expected}). Không cần sửa tệp này nếu tệp sau cùng là bản đúng.",
        "You sent several files; the Sở uses the one saved last ({expected}). Nothing to change here if that one is right."),
    "late-return": (
        "Tệp được lưu lúc {found}, sau hạn nộp {expected}. Lần sau hãy gửi đúng hạn.",
        "The file was saved {found}, after the deadline {expected}. Next time send it on time."),
    "missing-return": (
        "Sở chưa nhận được báo cáo của {agency}: hãy điền biểu mẫu và gửi về Sở Nội vụ.",
        "The Sở has no return from {agency}: fill in the template and send it to the Sở Nội vụ."),
    "file-misnamed": (
        "Tệp mang đuôi {found} nhưng là tệp {expected}. Lần sau hãy chọn «Lưu thành» (Save As) dạng Excel Workbook (.xlsx).",
        "The file is named {found} but is a {expected} file. Next time use Save As, Excel Workbook (.xlsx)."),
    "far-cell": (
        "Xóa nội dung {at} («{found}»): ô này nằm ngoài bảng nên không được đọc.",
        "Clear {at} («{found}»): it lies outside the table and is not read."),
    "formula-error": (
        "Sửa {at} (dòng {row_code}): ô có lỗi công thức {found}. Hãy ghi giá trị vào ô thay cho công thức.",
        "Fix {at} (row {row_code}): it holds the formula error {found}. Type the value instead of the formula."),
    "row-hidden": (
        "Các dòng {found} đang bị ẩn: hãy bỏ ẩn (Unhide) để dễ đối chiếu. Không cần sửa số liệu.",
        "Rows {found} are hidden: unhide them so they can be checked. The figures need no change."),
    "cell-outside-columns": (
        "Chuyển nội dung {at} («{found}») vào đúng cột của biểu mẫu, hoặc xóa đi: ô nằm ngoài các cột nên không được đọc.",
        "Move the content of {at} («{found}») into the template's own column, or clear it: it is outside the columns and is not read."),
    "table-missing": (
        "Trang «{sheet}» mất dòng tiêu đề của bảng: hãy chép lại dòng tiêu đề từ biểu mẫu, hoặc điền lại vào biểu mẫu, rồi gửi lại.",
        "Sheet «{sheet}» lost the table's header row: copy it back from the template, or fill in the template again, and send it."),
    "sheet-hidden": (
        "Trang «{sheet}» đang bị ẩn: hãy bỏ ẩn trang này. Không cần sửa số liệu.",
        "Sheet «{sheet}» is hidden: unhide it. The figures need no change."),
    "unexpected-agency": (
        "Sở không xác định được tệp này của đơn vị nào: hãy dùng đúng biểu mẫu Sở Nội vụ gửi cho đơn vị (không đổi tên trang, không xóa trang ẩn).",
        "The Sở cannot tell whose file this is: use the template the Sở Nội vụ sent you (do not rename sheets or delete hidden ones)."),
    # structure
    "missing-column": (
        "Khôi phục cột «{expected}» của bảng {table} như trong biểu mẫu (hoặc điền lại vào biểu mẫu) rồi gửi lại.",
        "Restore the column «{expected}» of the {table} table as in the template (or fill in the template again) and send it."),
    "unknown-column": (
        "Cột «{found}» ({at}) không thuộc biểu mẫu nên không được đọc: nếu cần báo cáo, hãy ghi nội dung vào đúng cột của biểu mẫu.",
        "Column «{found}» ({at}) is not part of the template and is not read: write anything to report in the template's own columns."),
    "missing-row": (
        "Khôi phục dòng {row_code} của kế hoạch (chép từ biểu mẫu): dòng này đã bị xóa khỏi tệp.",
        "Restore row {row_code} of the plan (copy it from the template): it was deleted from the file."),
    "plan-budget-list": (
        "Bảng {table} thiếu các cột thời gian, chỉ số, tài liệu kiểm chứng: hãy điền vào biểu mẫu có đủ các cột.",
        "The {table} table lacks the months, indicator and evidence columns: fill in the template, which has them all."),
    "monitoring-missing": (
        "Tệp thiếu Phụ lục 2: hãy điền Phụ lục 2 của biểu mẫu (tần suất, người thu thập số liệu) và gửi cùng tệp.",
        "The file has no Phụ lục 2: fill in the template's Phụ lục 2 (frequency, data collector) in the same file."),
    "unknown-row": (
        "Dòng «{found}» ({at}) không thuộc kế hoạch nên không được tính: hoạt động đề xuất mới hãy ghi vào dòng «Đề xuất mới» dưới kết quả đầu ra tương ứng; nếu không cần, hãy xóa dòng này.",
        "Row «{found}» ({at}) is not part of the plan and is not counted: write a proposed activity in a «Đề xuất mới» row under its output; otherwise delete the row."),
    "proposed-row": (
        "Hoạt động đề xuất mới «{found}» được ghi nhận là {row_code}. Hãy ghi hoạt động này cả ở Phụ lục 2 (tần suất, người thu thập số liệu) nếu chưa ghi.",
        "The proposed activity «{found}» is recorded as {row_code}. Write it in Phụ lục 2 as well (frequency, data collector) if not done yet."),
    "duplicate-row": (
        "Xóa dòng thừa ở {at}: dòng {row_code} có hai lần trong tệp (lần đầu ở {expected}).",
        "Delete the extra row at {at}: row {row_code} appears twice (first at {expected})."),
    "locked-cell-changed": (
        "Trả lại nội dung đã khóa ở {at} (dòng {row_code}) như kế hoạch: «{expected}». Nếu cần đề nghị sửa, hãy ghi vào dòng «Đề xuất mới» hoặc gửi công văn.",
        "Put back the locked content of {at} (row {row_code}) as planned: «{expected}». To propose a change, use a «Đề xuất mới» row or a letter."),
    "agency-conflict": (
        "Tệp ghi đơn vị {expected} nhưng các hoạt động trong tệp thuộc {found}: hãy dùng đúng biểu mẫu của đơn vị mình. {reason}",
        "The file names {expected} but its activities belong to {found}: use your own agency's template. {reason}"),
    "proposed-row-monitoring": (
        "Dòng đề xuất mới «{found}» ở Phụ lục 2 được ghép với hoạt động {row_code} ở Phụ lục 1. Không cần sửa nếu đúng.",
        "The proposed row «{found}» in Phụ lục 2 is paired with activity {row_code} of Phụ lục 1. Nothing to change if that is right."),
    "proposal-unpaired": (
        "Ghi hoạt động «{found}» ({at}) vào dòng «Đề xuất mới ({expected})» của Phụ lục 1 (thời gian, ngân sách), hoặc xóa dòng này ở Phụ lục 2.",
        "Write the activity «{found}» ({at}) in a «Đề xuất mới ({expected})» row of Phụ lục 1 (months, budget), or delete this row of Phụ lục 2."),
    "merged-cells": (
        "Bỏ gộp {at} và ghi giá trị cho từng dòng: «{found}» đang được tính cho các dòng {expected}.",
        "Unmerge {at} and write each row's value: «{found}» is now counted for rows {expected}."),
    "merged-budget": (
        "Bỏ gộp ô ngân sách {at} và ghi ngân sách riêng của từng hoạt động {expected} (triệu đồng).",
        "Unmerge the budget cells {at} and write each activity's own budget, rows {expected} (million đồng)."),
    "text-cut": (
        "Rút gọn nội dung {at}: dài {found} ký tự, quá giới hạn {expected} ký tự của Excel.",
        "Shorten {at}: it is {found} characters long, over Excel's limit of {expected}."),
    "formula-no-value": (
        "Ghi giá trị vào {at} thay cho công thức {found} (tệp không lưu kết quả), hoặc mở tệp bằng Excel, lưu lại rồi gửi lại.",
        "Type the value in {at} instead of the formula {found} (the file saved no result), or open the file in Excel, save it and send it again."),
    # text
    "legacy-encoding": (
        "{count} ô của trang {sheet} gõ bằng bảng mã cũ {found} ({cells}) đã được chuyển sang Unicode; không cần sửa. Lần sau hãy gõ bằng bảng mã Unicode.",
        "{count} cells of sheet {sheet} typed in the legacy {found} encoding ({cells}) were converted to Unicode; no change needed. Next time type in Unicode."),
    "number-ambiguous": (
        "Sửa {at} thành số không có dấu ngăn cách hàng nghìn: «{found}» có thể là {used} hoặc {other}; Sở tạm đọc là {used}.",
        "Rewrite {at} without a thousands separator: «{found}» may be {used} or {other}; the Sở reads {used} for now."),
    "number-notation": (
        "Tệp ghi số theo cách Anh-Mỹ (ví dụ «{found}»). Lần sau hãy gõ dạng số, hoặc ghi theo cách Việt Nam (3,4; 1.949).",
        "The file writes numbers in en-US notation (e.g. «{found}»). Next time type numbers as numbers, or in Vietnamese notation (3,4; 1.949)."),
    # budget
    "budget-not-number": (
        "Sửa {at} (ngân sách hoạt động {row_code}): «{found}» không phải là số. Ghi số triệu đồng, ví dụ 43 hoặc 3,4; ghi 0 nếu không dùng ngân sách.",
        "Fix {at} (budget of activity {row_code}): «{found}» is not a number. Write million đồng, e.g. 43 or 3.4; write 0 if it needs none."),
    "budget-implausible": (
        "Sửa {at}: «{found}» không thể là số tiền của kế hoạch. Ghi ngân sách bằng triệu đồng.",
        "Fix {at}: «{found}» cannot be an amount of the plan. Write the budget in million đồng."),
    "budget-text": (
        "Gõ lại {at} dạng số {value} (triệu đồng) thay cho chữ «{found}»: ô đang bị tô đỏ và Excel không cộng ô này vào dòng tổng.",
        "Retype {at} as the number {value} (million đồng) instead of the text «{found}»: the cell is red and Excel leaves it out of the subtotals."),
    "budget-text-subtotal": (
        "Gõ lại {at} dạng số {value} (triệu đồng) thay cho chữ «{found}»: dòng {subtotal} đang không cộng khoản này (ghi {stated} thay vì {total} triệu đồng).",
        "Retype {at} as the number {value} (million đồng) instead of the text «{found}»: the {subtotal} leaves it out (it shows {stated} instead of {total} million đồng)."),
    "budget-negative": (
        "Sửa {at} (hoạt động {row_code}): ngân sách không được âm ({found}). Ghi số triệu đồng, hoặc 0.",
        "Fix {at} (activity {row_code}): a budget cannot be negative ({found}). Write million đồng, or 0."),
    "budget-missing": (
        "Điền {at}: ngân sách dự kiến của hoạt động {row_code} (triệu đồng); ghi 0 nếu không dùng ngân sách.",
        "Fill in {at}: the budget of activity {row_code} (million đồng); write 0 if it needs none."),
    "budget-unit": (
        "Sửa {at} thành {expected} (triệu đồng): {found} có vẻ được ghi bằng đồng.",
        "Change {at} to {expected} (million đồng): {found} looks written in đồng."),
    "unit-inferred": (
        "Bảng {table} không ghi đơn vị tính và các khoản kinh phí có vẻ ghi bằng đồng: hãy ghi ngân sách bằng triệu đồng như biểu mẫu.",
        "The {table} table states no unit and its amounts look like đồng: write budgets in million đồng, as the template does."),
    "unit-conflict": (
        "Đơn vị tính ghi hai cách («{found}» và «{expected}»): hãy dùng triệu đồng như biểu mẫu.",
        "The unit is written two ways («{found}» and «{expected}»): use million đồng, as the template does."),
    "budget-no-agency": (
        "Ghi cơ quan chủ trì cho dòng {row_code}: khoản {found} triệu đồng ({at}) chưa gắn với cơ quan nào.",
        "Write the lead agency of row {row_code}: its {found} million đồng ({at}) belong to no agency."),
    "budget-unassigned": (
        "{found} triệu đồng ({expected} dòng) không gắn với cơ quan nào: hãy dùng biểu mẫu, có cột cơ quan chủ trì.",
        "{found} million đồng ({expected} rows) belong to no agency: use the template, which has a lead agency column."),
    "subtotal-mismatch": (
        "Dòng tổng của {level} {row_code} ({at}) ghi {found} nhưng các dòng con cộng được {expected} triệu đồng: không gõ đè lên công thức của dòng tổng; kiểm tra lại ngân sách các hoạt động.",
        "The {level} {row_code} ({at}) states {found} but its rows add up to {expected} million đồng: do not type over the subtotal's formula; check the activities' budgets."),
    "total-mismatch": (
        "Dòng Tổng cộng ({at}) ghi {found} nhưng các nhiệm vụ cộng được {expected} triệu đồng: không gõ đè lên công thức của dòng Tổng cộng; kiểm tra lại ngân sách các hoạt động.",
        "The Tổng cộng row ({at}) states {found} but the tasks add up to {expected} million đồng: do not type over its formula; check the activities' budgets."),
    "allocation-mismatch": (
        "Ngân sách các hoạt động của {agency} cộng được {found} triệu đồng, khác kinh phí được phân bổ {expected} triệu đồng: hãy điều chỉnh cho khớp, hoặc giải trình với Sở Nội vụ.",
        "The activities of {agency} add up to {found} million đồng, not the {expected} allocated: make them agree, or explain the difference to the Sở Nội vụ."),
    # time
    "month-invalid": (
        "Sửa {at} (dòng {row_code}): «{found}» không phải là tháng. Chọn «Tháng 01» … «Tháng 12» hoặc «Theo yêu cầu» trong danh sách.",
        "Fix {at} (row {row_code}): «{found}» is not a month. Choose «Tháng 01» … «Tháng 12» or «Theo yêu cầu» from the list."),
    "month-missing": (
        "Điền {at}: {expected} của hoạt động {row_code} (chọn trong danh sách).",
        "Fill in {at}: the {expected} of activity {row_code} (choose from the list)."),
    "period-unread": (
        "Sửa {at} (dòng {row_code}): không đọc được thời gian «{found}». Chọn tháng trong danh sách, hoặc ghi ví dụ «Quý II», «Tháng 3-6», «Cả năm».",
        "Fix {at} (row {row_code}): the time «{found}» cannot be read. Choose a month from the list, or write e.g. «Quý II», «Tháng 3-6», «Cả năm»."),
    "month-order": (
        "Sửa {at} (hoạt động {row_code}): tháng kết thúc ({found}) đang trước tháng bắt đầu ({expected}).",
        "Fix {at} (activity {row_code}): the end month ({found}) is before the start month ({expected})."),
    # agencies
    "agency-unknown": (
        "Sửa {at} (dòng {row_code}): «{found}» không có trong danh mục cơ quan, đơn vị; hãy chọn tên trong danh sách.",
        "Fix {at} (row {row_code}): «{found}» is not in the list of agencies; choose a name from the list."),
    "agency-corrected": (
        "Tên «{found}» ở {at} được hiểu là «{expected}»; không cần sửa. Lần sau hãy chọn tên trong danh sách.",
        "«{found}» in {at} is read as «{expected}»; no change needed. Next time choose the name from the list."),
    # monitoring
    "frequency-invalid": (
        "Sửa {at} (dòng {row_code}): «{found}» không phải là tần suất. Chọn Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, Theo yêu cầu, hoặc ghi «N lần».",
        "Fix {at} (row {row_code}): «{found}» is not a frequency. Choose Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, Theo yêu cầu, or write «N lần»."),
    "frequency-missing": (
        "Điền {at}: tần suất thu thập của dòng {row_code} (chọn trong danh sách).{inherit}",
        "Fill in {at}: the collection frequency of row {row_code} (choose from the list).{inherit}"),
    "frequency-window": (
        "Kiểm tra {at} (hoạt động {row_code}): thu thập {found} lần nhưng hoạt động chỉ kéo dài {expected} tháng; sửa tần suất hoặc thời gian thực hiện.",
        "Check {at} (activity {row_code}): collected {found} times but it lasts only {expected} months; fix the frequency or the months."),
    "collector-missing": (
        "Điền {at}: họ tên, chức vụ người thu thập số liệu của dòng {row_code}.",
        "Fill in {at}: the name and position of the data collector of row {row_code}."),
    "plan-monitoring-mismatch": (
        "Sửa dòng {row_code} cho Phụ lục 1 và Phụ lục 2 khớp nhau: {reason}.",
        "Make row {row_code} agree between Phụ lục 1 and Phụ lục 2: {reason}."),
    # progress reports through the year (issue 13): what the agency changes in its progress return
    "disbursed-over-plan": (
        "Kiểm tra lại {at} (hoạt động {row_code}): kinh phí giải ngân lũy kế {found} triệu đồng vượt ngân sách dự kiến {expected} triệu đồng; sửa số liệu hoặc ghi lý do vào cột «Khó khăn, vướng mắc».",
        "Check {at} (activity {row_code}): the cumulative disbursement of {found} million đồng exceeds the planned {expected} million đồng; correct it or give the reason under «Khó khăn, vướng mắc»."),
    "disbursed-decreased": (
        "Sửa {at} (hoạt động {row_code}): số giải ngân lũy kế từ đầu năm không thể thấp hơn kỳ trước ({expected} triệu đồng); đang ghi {found}.",
        "Correct {at} (activity {row_code}): the disbursement since 1 January cannot be below the previous period's ({expected} million đồng); it reads {found}."),
    "done-without-evidence": (
        "Ghi tài liệu kiểm chứng (số/ký hiệu, ngày văn bản) cho hoạt động {row_code} đã báo «Đã hoàn thành» ({at}).",
        "Name the evidence (document number and date) for activity {row_code}, reported done ({at})."),
    "status-percent-mismatch": (
        "Sửa {at} (hoạt động {row_code}): tình trạng «{found}» không khớp với {reason}; chọn lại tình trạng hoặc sửa tỷ lệ hoàn thành.",
        "Correct {at} (activity {row_code}): the status «{found}» does not match {reason}; choose another status or correct the percentage."),
    "overdue": (
        "Hoạt động {row_code} đã quá thời hạn {expected} mà chưa hoàn thành (tình trạng: {found}): cập nhật tình trạng hoặc ghi lý do và đề xuất vào báo cáo.",
        "Activity {row_code} is past its end ({expected}) and not done (status: {found}): update its status or write the reason and a proposal in the return."),
    "report-missing": (
        "Chọn «Tình trạng» cho hoạt động {row_code} ({at}): hoạt động này phải báo cáo trong kỳ (người thu thập số liệu: {expected}).",
        "Choose a «Tình trạng» for activity {row_code} ({at}): it is due in this period (data collector: {expected})."),
    "return-missing": (
        "Sở chưa nhận được báo cáo tiến độ của {agency} ({found} hoạt động phải báo cáo trong kỳ): hãy điền biểu mẫu tiến độ và gửi Sở Nội vụ.",
        "The Sở has no progress return from {agency} ({found} activities due in the period): fill in the progress template and send it to the Sở Nội vụ."),
    "progress-table-missing": (
        "Tệp không có bảng tiến độ ({reason}). Hãy điền vào biểu mẫu báo cáo tiến độ Sở Nội vụ đã gửi rồi gửi lại.",
        "The file has no progress table ({reason}). Fill in the progress template the Sở Nội vụ sent and send it again."),
    "progress-value-invalid": (
        "Sửa {at} (hoạt động {row_code}, {field_label}): «{found}» không dùng được; {reason}.",
        "Correct {at} (activity {row_code}, {field_label}): «{found}» cannot be used; {reason}."),
    "progress-period-mismatch": (
        "Tệp là biểu mẫu của kỳ {found}, Sở đang tổng hợp kỳ {expected}: hãy cập nhật số liệu đến hết kỳ {expected}, tốt nhất trên biểu mẫu của kỳ này.",
        "The file is the template of {found}, the Sở is reporting {expected}: bring the figures up to the end of {expected}, best on this period's template."),
    "progress-percent-format": (
        "Không cần sửa: {at} (hoạt động {row_code}) ghi theo phần trăm ({found}) và được đọc là {expected}. Lần sau hãy ghi số từ 0 đến 100.",
        "Nothing to change: {at} (activity {row_code}) is in a percent format ({found}) and read as {expected}. Next time type a number from 0 to 100."),
    "progress-row-unknown": (
        "Xóa dòng mã {row_code} ({at}) hoặc báo Sở Nội vụ: đây không phải hoạt động của {agency} trong kế hoạch nên không được tính.",
        "Delete the row with code {row_code} ({at}) or tell the Sở Nội vụ: it is not an activity of {agency} in the plan, so it is not used."),
    # the intake portal (issue 15)
    "upload-other-agency": (
        "Tệp vừa tải lên là báo cáo của {found}, không phải của {expected}: hãy tải lên báo cáo của đơn vị mình (biểu mẫu tải về từ đường dẫn này).",
        "The file you uploaded is the return of {found}, not of {expected}: upload your own agency's return (the template downloaded from this link)."),
    # plan comparison (issue 14): said to whoever compares two plans
    "match-uncertain": (
        "Xem lại: dòng {found} của kế hoạch cũ («{old}») được coi là dòng {row_code} của kế hoạch mới («{new}») với độ tin cậy {expected}%.",
        "Review: row {found} of the old plan («{old}») is taken as row {row_code} of the new plan («{new}») at {expected}% confidence."),
}

messages.register({f"feedback.{code}": pair for code, pair in ADVICE.items()})
messages.register({
    "feedback.at.cell": ("ô {cell} của {sheet}", "cell {cell} of {sheet}"),
    "feedback.at.cell_only": ("ô {cell}", "cell {cell}"),
    "feedback.at.row": ("dòng {row_code}", "row {row_code}"),
    "feedback.at.file": ("tệp", "the file"),
})


def _values(finding: Finding, lang: str) -> dict[str, object]:
    """The values a finding's messages are filled from (its fields, the defaults of Finding.message, its params)."""
    values: dict[str, object] = {k: v for k, v in asdict(finding).items() if k not in ("params", "field")}
    values.update({"reason": "", "inherit": "", "level": "", "table": "", "more": "", "field_label": finding.field,
                   "unit": "triệu đồng" if lang == "vi" else "million đồng", "written_unit": "đồng"})
    for key, value in finding.params.items():
        values[key] = (value[0] if lang == "vi" else value[1]) if isinstance(value, tuple) else value
    return values


def _at(finding: Finding, lang: str) -> str:
    if finding.cell and finding.sheet:
        return messages.text("feedback.at.cell", lang, cell=finding.cell, sheet=finding.sheet)
    if finding.cell:
        return messages.text("feedback.at.cell_only", lang, cell=finding.cell)
    if finding.row_code:
        return messages.text("feedback.at.row", lang, row_code=finding.row_code)
    return messages.text("feedback.at.file", lang)


def advice(finding: Finding, lang: str = "vi") -> str:
    """What the agency should do about ``finding``, in ``lang``: «Sửa ô G18 (Phụ lục 1) thành 43 (triệu đồng): …».

    A code with no entry here (a new one) falls back to the finding's own message, never to nothing.
    """
    key = f"feedback.{finding.code}"
    if key not in messages.CATALOGUE:
        return finding.message(lang)
    values = _values(finding, lang) | {"at": _at(finding, lang)}
    try:
        return messages.text(key, lang, **values)
    except (KeyError, IndexError):       # a value the entry needs and this finding lacks: its own message
        return finding.message(lang)

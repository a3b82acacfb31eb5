"""What each finding code means and what to do about it, in words, in Vietnamese and English.

The Kiểm tra sheet of the consolidated workbook lists, under its findings, one line per code that
occurs. Registered in the message table as ``explain.<code>.meaning`` and ``explain.<code>.action``,
so that tests/test_messages.py checks both languages; tests/test_write_signable.py checks that every
code of ``findings.CODES`` has its line.
"""

from __future__ import annotations

from . import messages

__all__ = ["EXPLANATIONS", "meaning", "action"]

#: code -> (meaning vi, what to do vi, meaning en, what to do en)
EXPLANATIONS: dict[str, tuple[str, str, str, str]] = {
    # files and returns
    "file-unreadable": (
        "Tệp hỏng, có mật khẩu hoặc không phải bảng tính: không đọc được gì.",
        "Đơn vị mở tệp bằng Excel, lưu lại dạng .xlsx và gửi lại.",
        "The file is damaged, password-protected or not a spreadsheet: nothing could be read.",
        "The agency opens it in Excel, saves it as .xlsx and sends it again."),
    "file-skipped": (
        "Tệp trong thư mục không phải báo cáo (tệp tạm của Excel, ghi chú, tệp kết quả của chương trình).",
        "Không cần làm gì; nếu đó là báo cáo thật, hãy lưu lại dạng .xlsx.",
        "A file in the folder that is not a return (an Excel lock file, a note, one of our own outputs).",
        "Nothing to do; if it is a real return, save it as .xlsx."),
    "wrong-template": (
        "Tệp không có bảng Phụ lục 1 hay Phụ lục 2 theo mẫu của Quyết định.",
        "Đơn vị điền vào biểu mẫu đã được gửi rồi gửi lại.",
        "The file has no Phụ lục 1 or Phụ lục 2 table in the decision's layout.",
        "The agency fills in the template it was sent and sends it again."),
    "template-version": (
        "Đơn vị dùng biểu mẫu của đợt trước.",
        "Đối chiếu với biểu mẫu hiện hành; nếu khác, yêu cầu đơn vị chép sang biểu mẫu mới.",
        "The agency used an earlier round's template.",
        "Compare it with the current template; if they differ, ask the agency to copy its figures into the new one."),
    "duplicate-return": (
        "Một đơn vị gửi nhiều tệp; chỉ tệp lưu sau cùng được dùng.",
        "Xác nhận với đơn vị tệp nào là bản chính thức; xóa các bản còn lại khỏi thư mục.",
        "An agency sent several files; only the one saved last is used.",
        "Confirm with the agency which file is final; remove the others from the folder."),
    "late-return": (
        "Báo cáo được lưu sau hạn nộp.",
        "Ghi nhận việc nộp muộn; số liệu vẫn được tổng hợp.",
        "The return was saved after the deadline.",
        "Note the late return; its figures are consolidated all the same."),
    "missing-return": (
        "Đơn vị phải gửi báo cáo nhưng chưa gửi; các dòng của đơn vị giữ số liệu của kế hoạch.",
        "Đôn đốc đơn vị gửi báo cáo, rồi tổng hợp lại.",
        "An agency that must send a return has not; its rows keep the plan's figures.",
        "Remind the agency, then consolidate again."),
    "file-misnamed": (
        "Đuôi tệp không đúng với nội dung (ví dụ tệp .xls đổi tên thành .xlsx); tệp vẫn được đọc.",
        "Lần sau đơn vị dùng «Lưu thành» và chọn dạng .xlsx.",
        "The file's extension does not match its content (an .xls renamed .xlsx); it was read all the same.",
        "Next time the agency uses «Save as» and picks .xlsx."),
    "far-cell": (
        "Một ô có nội dung nằm rất xa bảng; nội dung đó không được đọc.",
        "Đơn vị xóa nội dung ô đó (hoặc chuyển vào đúng bảng) rồi gửi lại.",
        "A cell far away from the table holds something; it is not read.",
        "The agency clears that cell (or moves its content into the table) and sends the file again."),
    "formula-error": (
        "Ô có lỗi công thức (#REF!, #VALUE! …) nên không có giá trị.",
        "Đơn vị sửa công thức hoặc ghi số vào ô rồi gửi lại.",
        "A cell shows a formula error (#REF!, #VALUE! …), so it has no value.",
        "The agency fixes the formula or types the figure, and sends the file again."),
    "row-hidden": (
        "Có dòng bị ẩn trong bảng; dòng ẩn vẫn được đọc.",
        "Không cần làm gì; nếu dòng ẩn là dòng bỏ, đơn vị xóa hẳn dòng đó.",
        "Rows of the table are hidden; hidden rows are read all the same.",
        "Nothing to do; if a hidden row is meant to be dropped, the agency deletes it."),
    "cell-outside-columns": (
        "Nội dung ghi ở cột không có tiêu đề cạnh bảng; không được đọc.",
        "Nếu cần báo cáo, đơn vị ghi vào đúng cột của biểu mẫu.",
        "Something is written beside the table in a column without a heading; it is not read.",
        "If it is meant to be reported, the agency writes it in the template's own column."),
    "table-missing": (
        "Trang tính thiếu dòng tiêu đề của bảng nên các dòng của trang không được đọc.",
        "Đơn vị khôi phục dòng tiêu đề như trong biểu mẫu rồi gửi lại.",
        "A sheet lacks the table's header row, so its rows are not read.",
        "The agency restores the header row as in the template and sends the file again."),
    "sheet-hidden": (
        "Bảng nằm trên một trang tính bị ẩn; vẫn được đọc.",
        "Không cần làm gì.",
        "The table is on a hidden sheet; it is read all the same.",
        "Nothing to do."),
    "unexpected-agency": (
        "Không biết tệp là của đơn vị nào trong kế hoạch; các dòng của tệp không được tính.",
        "Xác định đơn vị gửi; nếu là đơn vị mới, bổ sung danh mục (--agencies) rồi tổng hợp lại.",
        "The file cannot be matched to an agency of the plan; its rows are not used.",
        "Find out who sent it; for a new agency, extend the registry (--agencies) and consolidate again."),
    # structure
    "missing-column": (
        "Bảng thiếu một cột của biểu mẫu; các ô khóa dưới cột đó không được đối chiếu.",
        "Đơn vị khôi phục cột như trong biểu mẫu rồi gửi lại.",
        "The table lacks one of the template's columns; the locked cells under it are not compared.",
        "The agency restores the column as in the template and sends the file again."),
    "unknown-column": (
        "Bảng có thêm cột không thuộc biểu mẫu; cột đó không được đọc.",
        "Không cần làm gì, trừ khi cột đó chứa số liệu cần báo cáo.",
        "The table has an extra column the template does not have; it is not read.",
        "Nothing to do, unless that column holds figures that should be reported."),
    "missing-row": (
        "Báo cáo thiếu một dòng của kế hoạch; dòng đó giữ số liệu của kế hoạch.",
        "Hỏi đơn vị dòng đó bị xóa có chủ ý hay không; nếu bỏ hoạt động, ghi ngân sách 0.",
        "A return lacks a row of the plan; that row keeps the plan's figures.",
        "Ask the agency whether it was deleted on purpose; to drop an activity, write a budget of 0."),
    "plan-budget-list": (
        "Bảng chỉ là danh sách kinh phí (không có thời gian, chỉ số …); chỉ các cột có được kiểm tra.",
        "Không cần làm gì; muốn kiểm tra đủ, dùng mẫu đủ cột của Quyết định.",
        "The table is a budget list (no months, indicators …); only the columns it has are checked.",
        "Nothing to do; for every check, use the decision's full layout."),
    "monitoring-missing": (
        "Không có Phụ lục 2: tần suất và người thu thập số liệu không được kiểm tra.",
        "Nếu kế hoạch có Phụ lục 2, đưa vào cùng tệp.",
        "There is no Phụ lục 2: frequencies and collectors are not checked.",
        "If the plan has one, put it in the same file."),
    "unknown-row": (
        "Một dòng không khớp dòng nào của kế hoạch và không phải đề xuất mới; không được tính.",
        "Đơn vị ghi đúng mã dòng, hoặc ghi hoạt động mới vào các dòng dành cho đề xuất.",
        "A row matches no row of the plan and is not a proposal; it is not counted.",
        "The agency writes the right row code, or puts a new activity in the rows kept for proposals."),
    "proposed-row": (
        "Đơn vị đề xuất hoạt động mới; hoạt động được thêm vào kế hoạch tổng hợp.",
        "Xem xét đề xuất trước khi trình ký.",
        "An agency proposes a new activity; it is added to the consolidated plan.",
        "Review the proposal before the plan is signed."),
    "duplicate-row": (
        "Một mã dòng xuất hiện nhiều lần; chỉ lần đầu được tính.",
        "Đơn vị xóa dòng lặp hoặc sửa mã cho đúng.",
        "A row code appears more than once; only the first is counted.",
        "The agency deletes the repeated row or corrects its code."),
    "locked-cell-changed": (
        "Nội dung đã khóa (của kế hoạch) bị sửa trong báo cáo; giữ nội dung của kế hoạch.",
        "Nếu cần đổi nội dung, đơn vị đề xuất bằng văn bản; không sửa ô khóa.",
        "Locked content (the plan's) was changed in a return; the plan's content is kept.",
        "To change it, the agency proposes it in writing; locked cells are not edited."),
    "agency-conflict": (
        "Tệp ghi tên một đơn vị nhưng các hoạt động trong tệp là của đơn vị khác.",
        "Xác nhận với đơn vị; gửi lại đúng biểu mẫu của mình.",
        "The file names one agency but its activities belong to another.",
        "Confirm with the agency; it sends its own template back."),
    "proposed-row-monitoring": (
        "Dòng đề xuất ở Phụ lục 2 được ghép với hoạt động đề xuất ở Phụ lục 1.",
        "Không cần làm gì; kiểm tra lại việc ghép nếu nghi ngờ.",
        "A proposed row of Phụ lục 2 is paired with a proposed activity of Phụ lục 1.",
        "Nothing to do; check the pairing if in doubt."),
    "proposal-unpaired": (
        "Dòng đề xuất ở Phụ lục 2 không có hoạt động tương ứng ở Phụ lục 1.",
        "Đơn vị ghi hoạt động vào Phụ lục 1 (thời gian, ngân sách) hoặc xóa dòng ở Phụ lục 2.",
        "A proposed row of Phụ lục 2 has no activity in Phụ lục 1.",
        "The agency adds the activity to Phụ lục 1 (months, budget) or deletes the row."),
    "merged-cells": (
        "Ô gộp: một giá trị được áp dụng cho mọi dòng của vùng gộp.",
        "Kiểm tra giá trị có đúng cho từng dòng; tốt nhất là tách ô.",
        "Merged cells: one value is applied to every row of the range.",
        "Check that it is right for each row; better, unmerge the cells."),
    "merged-budget": (
        "Một khoản ngân sách ghi chung cho nhiều hoạt động (ô gộp).",
        "Đơn vị tách ô và ghi ngân sách của từng hoạt động.",
        "One budget is written for several activities (merged cells).",
        "The agency unmerges the cells and writes each activity's budget."),
    "text-cut": (
        "Nội dung ô dài quá giới hạn của Excel; bảng tổng hợp ghi phần đầu.",
        "Toàn văn có trong kết quả --json; nên rút gọn nội dung.",
        "A cell's text is longer than Excel allows; the workbook holds its start.",
        "The full text is in the --json output; shorten the text."),
    "formula-no-value": (
        "Ô có công thức nhưng tệp không lưu kết quả (tệp không do Excel lưu).",
        "Mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại.",
        "A cell holds a formula but the file saved no result (it was not saved by Excel).",
        "Open the file in Excel or LibreOffice, save it and send it again."),
    # text
    "legacy-encoding": (
        "Chữ gõ bằng bảng mã cũ (TCVN3, VNI) đã được chuyển sang Unicode.",
        "Lần sau đơn vị gõ bằng Unicode.",
        "Text typed in a legacy encoding (TCVN3, VNI) was converted to Unicode.",
        "Next time the agency types in Unicode."),
    "number-ambiguous": (
        "Một số có thể đọc hai cách (1.949 là 1949 hay 1,949); đã chọn một cách.",
        "Kiểm tra số đã đọc; đơn vị ghi số không có dấu ngăn cách hàng nghìn.",
        "A number reads two ways (1.949 as 1949 or 1,949); one was chosen.",
        "Check the figure read; the agency writes numbers without a thousands separator."),
    "number-notation": (
        "Tệp ghi số theo cách Anh-Mỹ (dấu chấm thập phân); đã đọc đúng theo cách đó.",
        "Không cần làm gì.",
        "The file writes numbers the en-US way (decimal point); they were read that way.",
        "Nothing to do."),
    # budget
    "budget-not-number": (
        "Ô ngân sách ghi chữ, không phải số; không được cộng vào tổng (tô đỏ).",
        "Đơn vị ghi số triệu đồng (ví dụ 3,4), hoặc 0.",
        "A budget cell holds text, not a number; it is left out of the totals (in red).",
        "The agency writes million đồng (e.g. 3,4), or 0."),
    "budget-implausible": (
        "Số quá lớn để là một khoản của kế hoạch; không được tính.",
        "Đơn vị ghi lại đúng số, bằng triệu đồng.",
        "A figure too large to be an amount of the plan; it is not counted.",
        "The agency writes the right figure, in million đồng."),
    "budget-negative": (
        "Ngân sách âm.",
        "Đơn vị sửa thành số dương (hoặc 0).",
        "A negative budget.",
        "The agency corrects it to a positive figure (or 0)."),
    "budget-missing": (
        "Hoạt động chưa có ngân sách (ô trống, khác với 0).",
        "Đơn vị ghi số triệu đồng, hoặc 0 nếu không dùng ngân sách.",
        "An activity has no budget (blank, which is not 0).",
        "The agency writes million đồng, or 0 if it needs none."),
    "budget-unit": (
        "Số có vẻ ghi bằng đồng thay vì triệu đồng; đã tạm tính theo triệu đồng.",
        "Đơn vị ghi lại số bằng triệu đồng.",
        "A figure looks written in đồng, not million đồng; it was converted for now.",
        "The agency writes it again in million đồng."),
    "unit-inferred": (
        "Bảng không ghi đơn vị tính; đã suy ra đơn vị từ độ lớn của các số.",
        "Ghi «ĐVT: …» trên bảng.",
        "The table states no unit; it was inferred from the size of the figures.",
        "Write «ĐVT: …» above the table."),
    "unit-conflict": (
        "Đơn vị tính ghi hai cách khác nhau trong cùng bảng.",
        "Sửa cho thống nhất.",
        "The unit is stated two different ways in the same table.",
        "Make them agree."),
    "budget-no-agency": (
        "Có kinh phí nhưng không có cơ quan chủ trì: khoản này không tính cho đơn vị nào.",
        "Ghi cơ quan chủ trì của dòng.",
        "A budget with no lead agency: it is counted for no agency.",
        "Write the row's lead agency."),
    "budget-unassigned": (
        "Bảng không có cột cơ quan chủ trì nên kinh phí không gắn với đơn vị nào.",
        "Thêm cột cơ quan chủ trì nếu cần tổng hợp theo đơn vị.",
        "The table has no lead agency column, so its money belongs to no agency.",
        "Add the lead agency column to total by agency."),
    "subtotal-mismatch": (
        "Số ghi ở dòng tổng của nhiệm vụ/kết quả khác tổng các dòng con.",
        "Sửa các dòng con hoặc số tổng; bảng tổng hợp dùng công thức cộng các dòng con.",
        "The figure stated on a task or output row differs from the sum of its rows.",
        "Correct the rows or the stated figure; the workbook sums the rows by formula."),
    "total-mismatch": (
        "Dòng Tổng cộng ghi khác tổng các nhiệm vụ.",
        "Bảng tổng hợp dùng tổng theo các hoạt động; cập nhật số trong văn bản trình ký.",
        "The grand total stated differs from the sum of the tasks.",
        "The workbook uses the activities' sum; update the figure in the document to sign."),
    "allocation-mismatch": (
        "Tổng kinh phí các hoạt động của đơn vị khác số được phân bổ trong Quyết định.",
        "Đơn vị điều chỉnh ngân sách các hoạt động, hoặc giải trình chênh lệch.",
        "An agency's activities add up to another amount than its allocation in the decision.",
        "The agency adjusts its activities' budgets or explains the difference."),
    # time
    "month-invalid": (
        "Tháng không hợp lệ (ví dụ «Tháng 13»); không tính vào lịch.",
        "Đơn vị ghi «Tháng 1» đến «Tháng 12», hoặc «Theo yêu cầu».",
        "An invalid month (e.g. «Tháng 13»); it is left out of the calendar.",
        "The agency writes «Tháng 1» to «Tháng 12», or «Theo yêu cầu»."),
    "month-missing": (
        "Hoạt động chưa có tháng bắt đầu hoặc kết thúc.",
        "Đơn vị ghi thời gian thực hiện.",
        "An activity has no start or end month.",
        "The agency writes when it is done."),
    "period-unread": (
        "Thời gian ghi bằng chữ không đọc được; giữ nguyên văn, không tính vào lịch.",
        "Ghi theo cách đọc được: «Quý II», «Tháng 3-6», «Cả năm» …",
        "A time written in words could not be read; it is kept as text, outside the calendar.",
        "Write it in a form that reads: «Quý II», «Tháng 3-6», «Cả năm» …"),
    "month-order": (
        "Tháng kết thúc trước tháng bắt đầu.",
        "Đơn vị sửa lại tháng bắt đầu hoặc kết thúc.",
        "The end month comes before the start month.",
        "The agency corrects the start or end month."),
    # agencies
    "agency-unknown": (
        "Tên cơ quan không có trong danh mục.",
        "Ghi đúng tên trong danh mục, hoặc bổ sung danh mục (--agencies).",
        "An agency name that is not in the registry.",
        "Use a name from the registry, or extend it (--agencies)."),
    "agency-corrected": (
        "Tên cơ quan viết sai hoặc viết tắt đã được hiểu theo tên đúng.",
        "Không cần làm gì; lần sau ghi đúng tên.",
        "A misspelt or abbreviated agency name was read as the right one.",
        "Nothing to do; next time write the full name."),
    # monitoring
    "frequency-invalid": (
        "Tần suất thu thập không hợp lệ.",
        "Chọn Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, Theo yêu cầu hoặc «N lần».",
        "An invalid collection frequency.",
        "Pick monthly, quarterly, 6-monthly, yearly, continuous, on request or «N lần»."),
    "frequency-missing": (
        "Dòng chưa có tần suất thu thập (có thể theo dòng trên).",
        "Ghi tần suất thu thập của dòng.",
        "A row has no collection frequency (it may follow the row above).",
        "Write the row's collection frequency."),
    "frequency-window": (
        "Số lần thu thập nhiều hơn số tháng thực hiện hoạt động.",
        "Sửa tần suất hoặc thời gian thực hiện cho khớp.",
        "More collections than months the activity lasts.",
        "Make the frequency and the months agree."),
    "collector-missing": (
        "Dòng chưa có người thu thập số liệu.",
        "Ghi cơ quan thu thập số liệu.",
        "A row has no data collector.",
        "Write who collects the data."),
    "plan-monitoring-mismatch": (
        "Phụ lục 1 và Phụ lục 2 không khớp nhau ở dòng này.",
        "Sửa cho hai phụ lục có cùng các dòng.",
        "Phụ lục 1 and Phụ lục 2 disagree on this row.",
        "Make both appendices hold the same rows."),
    # budgets typed as text (issue 12), progress (issue 13), plan comparison (issue 14)
    "budget-text": (
        "Ngân sách gõ dạng chữ (3,4 hay 1.949) nhưng đọc được thành số.",
        "Đã tính theo số đọc được; đơn vị gõ lại ô dạng số để Excel cộng vào dòng tổng.",
        "A budget typed as text (3,4 or 1.949) that reads as a number.",
        "It is counted as read; the agency types it again as a number so that Excel adds it up."),
    "budget-text-subtotal": (
        "Dòng tổng của tệp thiếu đúng khoản ngân sách gõ dạng chữ (Excel không cộng ô chữ).",
        "Đơn vị gõ lại ô ngân sách được nêu dạng số; không cần sửa dòng tổng đã khóa.",
        "A subtotal of the file is short by exactly the budgets typed as text (Excel does not add text).",
        "The agency types the named budget cell again as a number; the locked subtotal needs no change."),
    "disbursed-over-plan": (
        "Kinh phí giải ngân lũy kế của hoạt động vượt ngân sách dự kiến.",
        "Đơn vị sửa số liệu hoặc giải trình; Sở xem có cần điều chỉnh kế hoạch.",
        "An activity's cumulative disbursement exceeds its planned budget.",
        "The agency corrects it or explains; the Sở decides whether the plan needs adjusting."),
    "disbursed-decreased": (
        "Số giải ngân lũy kế thấp hơn kỳ trước, mà số lũy kế không thể giảm.",
        "Đơn vị sửa lại số lũy kế từ đầu năm.",
        "A cumulative disbursement below the previous period's: a cumulative figure cannot go down.",
        "The agency corrects the figure since 1 January."),
    "done-without-evidence": (
        "Hoạt động báo đã hoàn thành nhưng chưa có tài liệu kiểm chứng.",
        "Đơn vị ghi số/ký hiệu và ngày văn bản kiểm chứng.",
        "An activity reported done with no evidence named.",
        "The agency names the document (number and date)."),
    "status-percent-mismatch": (
        "Tình trạng không khớp với tỷ lệ hoàn thành hay với số giải ngân.",
        "Đơn vị chọn lại tình trạng hoặc sửa tỷ lệ.",
        "The status disagrees with the percentage done or with the disbursement.",
        "The agency picks the right status or corrects the percentage."),
    "overdue": (
        "Hoạt động đã quá thời hạn trong kế hoạch mà chưa hoàn thành.",
        "Đơn vị báo lý do và đề xuất; Sở theo dõi, đôn đốc.",
        "An activity past its end month in the plan and not done.",
        "The agency gives the reason and a proposal; the Sở follows it up."),
    "report-missing": (
        "Hoạt động phải báo cáo trong kỳ nhưng chưa có tình trạng.",
        "Người thu thập số liệu (Phụ lục 2) bổ sung báo cáo.",
        "An activity due in the period with no status reported.",
        "The data collector named in Phụ lục 2 reports it."),
    "return-missing": (
        "Đơn vị chưa gửi báo cáo tiến độ của kỳ.",
        "Sở đôn đốc đơn vị gửi báo cáo.",
        "An agency has sent no progress return for the period.",
        "The Sở reminds the agency to send it."),
    "progress-table-missing": (
        "Tệp không có bảng tiến độ theo biểu mẫu.",
        "Đơn vị điền vào biểu mẫu báo cáo tiến độ đã được gửi.",
        "The file has no progress table of the template.",
        "The agency fills in the progress template it was sent."),
    "progress-value-invalid": (
        "Giá trị trong biểu mẫu tiến độ không hợp lệ nên không được tính.",
        "Đơn vị sửa ô được nêu.",
        "A value of the progress return is not valid and is not used.",
        "The agency corrects the named cell."),
    "progress-period-mismatch": (
        "Tệp là biểu mẫu của kỳ khác với kỳ đang tổng hợp.",
        "Sở kiểm tra đơn vị đã cập nhật số liệu đến hết kỳ này chưa.",
        "The file is the template of another period than the one reported.",
        "The Sở checks that the figures run to the end of this period."),
    "progress-percent-format": (
        "Tỷ lệ hoàn thành ghi theo định dạng phần trăm; đã đọc đúng.",
        "Không cần làm gì; lần sau ghi số từ 0 đến 100.",
        "A percentage written in a percent format; it was read right.",
        "Nothing to do; next time type a number from 0 to 100."),
    "progress-row-unknown": (
        "Dòng trong báo cáo tiến độ không phải hoạt động của đơn vị trong kế hoạch.",
        "Đơn vị xóa dòng hoặc báo Sở; dòng này không được tính.",
        "A row of the progress return that is not an activity of the agency in the plan.",
        "The agency deletes it or tells the Sở; it is not used."),
    "upload-other-agency": (
        "Qua đường dẫn của một đơn vị, đã tải lên báo cáo của đơn vị khác.",
        "Đơn vị tải lên báo cáo của chính mình; Sở kiểm tra đường dẫn có bị chuyển nhầm.",
        "Through one agency's link, another agency's return was uploaded.",
        "The agency uploads its own return; the Sở checks whether a link was passed on by mistake."),
    "match-uncertain": (
        "Khi so sánh hai kế hoạch, một dòng được ghép với độ tin cậy thấp.",
        "Người so sánh xem lại hai dòng có đúng là một hoạt động.",
        "Comparing two plans, a row was matched with low confidence.",
        "Whoever compares checks that the two rows are the same activity."),
}

messages.register({f"explain.{code}.meaning": (vi, en) for code, (vi, _, en, _) in EXPLANATIONS.items()})
messages.register({f"explain.{code}.action": (vi, en) for code, (_, vi, _, en) in EXPLANATIONS.items()})
messages.register({"explain.unknown": ("(chưa có giải thích)", "(no explanation yet)")})


def meaning(code: str, lang: str = "vi") -> str:
    """What a finding code means, in words ("(chưa có giải thích)" for a code without a line)."""
    key = f"explain.{code}.meaning"
    return messages.text(key if key in messages.CATALOGUE else "explain.unknown", lang)


def action(code: str, lang: str = "vi") -> str:
    """What to do about a finding code, in words."""
    key = f"explain.{code}.action"
    return messages.text(key if key in messages.CATALOGUE else "explain.unknown", lang)

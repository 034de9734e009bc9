// The blocking iterator as Java sees it: Paging.listBlocking, try-with-resources, errors.
package kotlintests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import io.github.zkbiotime.BlockingIterator;
import io.github.zkbiotime.Client;
import io.github.zkbiotime.Employee;
import io.github.zkbiotime.Paging;
import io.github.zkbiotime.Times;
import io.github.zkbiotime.Transaction;
import io.github.zkbiotime.ZkbioException;

class JavaInteropTest {
    @Test
    @DisplayName("Java: Paging.listBlocking reads every record, try-with-resources closes it")
    void listBlockingFromJava() throws Exception {
        try (Sandbox sb = Sandbox.Companion.start("--employees", "30")) {
            Client client = HarnessKt.clientOf(sb.getUrl(), 7, null, "admin123");
            List<String> codes = new ArrayList<>();
            try (BlockingIterator<Employee> employees = Paging.listBlocking(client.employees())) {
                while (employees.hasNext()) {
                    codes.add(employees.next().getEmpCode());
                }
            }
            assertTrue(codes.size() > 30, codes.size() + " employees");
            assertEquals(codes.size(), codes.stream().distinct().count(), "every employee once");

            // For-each through a lambda Iterable; leaving early closes the pager.
            int read = 0;
            try (BlockingIterator<Transaction> punches = Paging.listBlocking(client.transactions(), null)) {
                Iterable<Transaction> all = () -> punches;
                for (Transaction t : all) {
                    read++;
                    if (read == 10) break;
                }
            }
            assertEquals(10, read);

            // java.time properties are static methods of Times.
            Employee harry = Paging.listBlocking(client.employees()).next();
            assertEquals(LocalDate.of(2018, 6, 26), Times.getHireLocalDate(harry));

            // Errors are ZkbioExceptions, catchable around the loop.
            Client wrong = HarnessKt.clientOf(sb.getUrl(), 7, null, "wrong");
            String kind = null;
            try (BlockingIterator<Employee> employees = Paging.listBlocking(wrong.employees())) {
                while (employees.hasNext()) {
                    employees.next();
                }
            } catch (ZkbioException e) {
                kind = e.kind();
            }
            assertEquals("authentication", kind);
            Client wrongAgain = HarnessKt.clientOf(sb.getUrl(), 7, null, "wrong");
            BlockingIterator<Employee> failed = Paging.listBlocking(wrongAgain.employees());
            assertThrows(ZkbioException.Authentication.class, failed::hasNext);
            assertFalse(failed.hasNext(), "closed after the error");
        }
    }
}

import * as z from 'zod';
import { address, mobilePhone, personName, residentIdNumber, unifiedSocialCreditCode } from '../schemas/fields.ts';
import { DEPARTMENTS } from './departments.ts';
import type { CatalogItem } from './types.ts';

/**
 * The seed catalog. Guides follow the published 办事指南 of Fuzhou's departments in shape and
 * substance; phone numbers are the 12345 hotline and the departments' published lines.
 */

const HALL = '福州市行政服务中心（鼓楼区乌山西路 318 号）';

const commonRights =
  '申请人对不予受理或不予许可决定不服的，可以自收到决定书之日起六十日内向福州市人民政府申请行政复议，或者在六个月内向人民法院提起行政诉讼。';

const foodBusiness: CatalogItem = {
  code: 'food-business-licence',
  version: 1,
  name: '食品经营许可（新办）',
  basicCode: '000120108000',
  implementationCode: '11350100MB0310522B300012010800001',
  itemType: 'licensing',
  department: DEPARTMENTS.market,
  coDepartments: [],
  supervisedBy: [DEPARTMENTS.tax],
  legalBasis: [
    '《中华人民共和国食品安全法》第三十五条',
    '《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）',
  ],
  acceptanceConditions: [
    '申请人已取得营业执照或者其他主体资格证明文件',
    '具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所',
    '具有与经营的食品品种、数量相适应的经营设备或者设施',
    '有专职或者兼职的食品安全管理人员和保证食品安全的规章制度',
  ],
  materials: [
    { id: 'application-form', fromForm: true, name: '食品经营许可申请书', required: true, fetchable: false, form: 'electronic', template: '/templates/food-business-licence/application-form.pdf', description: '在线填报后自动生成，申请人签字或电子签名' },
    { id: 'business-licence', name: '营业执照', required: true, fetchable: true, fetch: { certificateType: 'business_licence', dataset: '福州市市场监督管理局 电子营业执照', checks: [{ form: 'creditCode', record: 'creditCode', label: '统一社会信用代码' }, { form: 'operatorName', record: 'name', label: '经营者名称' }] }, form: 'electronic', description: '从电子证照库自动调取，无需上传' },
    { id: 'premises-layout', name: '经营场所平面布局图及设备布局、工艺流程图', required: true, fetchable: false, form: 'copy', template: '/templates/food-business-licence/premises-layout-sample.pdf', description: '标明各功能区域和主要设备位置' },
    { id: 'safety-rules', name: '食品安全自查、从业人员健康管理、进货查验记录等保证食品安全的规章制度', required: true, fetchable: false, form: 'copy', description: '加盖公章' },
    { id: 'power-of-attorney', name: '委托书及受托人身份证明', required: false, fetchable: false, form: 'original', template: '/templates/common/power-of-attorney.pdf', description: '委托他人办理时提交' },
  ],
  processSteps: [
    { name: '申请', description: '申请人在线填报并上传材料' },
    { name: '受理', description: '市场监督管理局对材料进行形式审查，作出受理或不予受理决定', workingDays: 1 },
    { name: '审查', description: '对申请材料进行审查，必要时进行现场核查', workingDays: 5 },
    { name: '决定', description: '作出准予许可或不予许可决定', workingDays: 1 },
    { name: '制证', description: '核发电子食品经营许可证，推送至电子证照库', workingDays: 1 },
  ],
  statutoryDays: 10,
  promisedDays: 5,
  acceptanceDays: 1,
  fee: { charged: false, basis: '不收费' },
  handling: { online: true, hall: true, maxVisits: 0, halls: [HALL] },
  result: { type: 'food_business_licence', name: '食品经营许可证', sample: '/samples/food-business-licence.pdf' },
  consultationPhone: '0591-12345',
  complaintPhone: '0591-12315',
  faqs: [
    { question: '仅销售预包装食品是否需要办理食品经营许可？', answer: '不需要，仅销售预包装食品的，应当报所在地县级以上市场监督管理部门备案。' },
    { question: '许可证有效期多长？', answer: '食品经营许可证有效期为五年。' },
  ],
  rightsAndRemedies: commonRights,
  flags: ['online', 'mobile', 'province_wide', 'no_certificate'],
  form: z
    .object({
      operatorName: z.string().trim().min(2).max(60).describe('经营者名称'),
      creditCode: unifiedSocialCreditCode,
      legalRepresentative: personName.describe('法定代表人（负责人）'),
      residence: address.describe('住所'),
      premises: address.describe('经营场所'),
      businessForm: z.enum(['食品销售经营者', '餐饮服务经营者', '单位食堂']).describe('主体业态'),
      businessItems: z
        .array(z.enum(['散装食品销售', '特殊食品销售', '热食类食品制售', '冷食类食品制售', '生食类食品制售', '半成品制售', '自制饮品制售']))
        .min(1)
        .describe('经营项目'),
      onlineSales: z.boolean().describe('是否网络经营'),
      phone: mobilePhone,
    })
    .strict(),
  formExample: {
    operatorName: '福州闽江味道餐饮管理有限公司',
    creditCode: '91350102MA8RB2K5WY',
    legalRepresentative: '林晓东',
    residence: '福州市鼓楼区五四路 158 号环球广场 1203 室',
    premises: '福州市鼓楼区东街 88 号一层 102 店面',
    businessForm: '餐饮服务经营者',
    businessItems: ['热食类食品制售', '自制饮品制售'],
    onlineSales: true,
    phone: '13905912345',
  },
};

const individualBusiness: CatalogItem = {
  code: 'individual-business-registration',
  version: 1,
  name: '个体工商户设立登记',
  basicCode: '000117001000',
  implementationCode: '11350100MB0310522B300011700100001',
  itemType: 'confirmation',
  department: DEPARTMENTS.market,
  coDepartments: [],
  // 个体工商户登记信息抄告税务、人社部门（多证合一后的事中事后监管）
  supervisedBy: [DEPARTMENTS.tax, DEPARTMENTS.hrss],
  legalBasis: ['《中华人民共和国市场主体登记管理条例》第三条、第八条', '《促进个体工商户发展条例》'],
  acceptanceConditions: ['有经营能力的自然人', '有固定的经营场所', '经营范围不属于法律、行政法规禁止的项目'],
  materials: [
    { id: 'application-form', fromForm: true, name: '个体工商户登记（备案）申请书', required: true, fetchable: false, form: 'electronic', description: '在线填报后自动生成' },
    { id: 'id-card', name: '经营者身份证明', required: true, fetchable: true, fetch: { dataset: '福建省公安厅 居民身份证电子证照', checks: [{ form: 'operatorName', record: 'name', label: '经营者姓名' }, { form: 'idNumber', record: 'idNumber', label: '公民身份号码' }] }, form: 'electronic', description: '从电子证照库调取居民身份证电子证照' },
    { id: 'premises-proof', name: '经营场所使用证明', required: true, fetchable: false, form: 'copy', description: '房屋产权证明或租赁合同；无产权证的提交村（居）委会出具的证明' },
  ],
  processSteps: [
    { name: '申请', description: '经营者在线填报' },
    { name: '受理审核', description: '登记机关当场或当日审核', workingDays: 1 },
    { name: '发照', description: '核发电子营业执照', workingDays: 1 },
  ],
  statutoryDays: 3,
  promisedDays: 1,
  acceptanceDays: 1,
  fee: { charged: false, basis: '不收费' },
  handling: { online: true, hall: true, maxVisits: 0, halls: [HALL, '各区县（市）行政服务中心、乡镇（街道）便民服务中心'] },
  result: { type: 'business_licence', name: '营业执照（个体工商户）', sample: '/samples/business-licence-individual.pdf' },
  consultationPhone: '0591-12345',
  complaintPhone: '0591-12315',
  faqs: [
    { question: '个体工商户可以起字号吗？', answer: '可以，也可以不使用名称；使用名称的，名称中的行政区划为县级行政区划名称。' },
    { question: '家庭经营需要哪些材料？', answer: '家庭经营的，以主持经营者作为经营者登记，并提交参与经营的家庭成员姓名。' },
  ],
  rightsAndRemedies: commonRights,
  flags: ['online', 'mobile', 'nearby', 'instant_approval', 'no_certificate'],
  form: z
    .object({
      operatorName: personName.describe('经营者姓名'),
      idNumber: residentIdNumber,
      tradeName: z.string().trim().min(2).max(40).optional().describe('个体工商户名称（可不填）'),
      premises: address.describe('经营场所'),
      organisationForm: z.enum(['个人经营', '家庭经营']).describe('组成形式'),
      familyMembers: z.array(personName).optional().describe('参与经营的家庭成员'),
      businessScope: z.string().trim().min(2).max(300).describe('经营范围'),
      employees: z.number().int().min(0).max(999).describe('从业人数'),
      capitalTenThousandYuan: z.number().positive().max(100000).describe('资金数额（万元）'),
      phone: mobilePhone,
    })
    .strict()
    .refine((f) => f.organisationForm !== '家庭经营' || (f.familyMembers?.length ?? 0) > 0, {
      message: '家庭经营须填写参与经营的家庭成员',
      path: ['familyMembers'],
    }),
  formExample: {
    operatorName: '陈美玲',
    idNumber: '350102198806123013',
    tradeName: '福州市鼓楼区美玲花艺店',
    premises: '福州市鼓楼区南后街 26 号',
    organisationForm: '个人经营',
    businessScope: '鲜花、绿植零售；花艺设计服务',
    employees: 2,
    capitalTenThousandYuan: 5,
    phone: '13805918877',
  },
};

const publicPlaceHygiene: CatalogItem = {
  code: 'public-place-hygiene-licence',
  version: 1,
  name: '公共场所卫生许可（新办）',
  basicCode: '000172002000',
  implementationCode: '11350100003591123X300017200200001',
  itemType: 'licensing',
  department: DEPARTMENTS.health,
  coDepartments: [],
  legalBasis: ['《公共场所卫生管理条例》第八条', '《公共场所卫生管理条例实施细则》第二十二条'],
  acceptanceConditions: [
    '场所选址、设计和装修符合国家相关标准和规范',
    '有卫生管理制度和卫生管理人员',
    '公共场所卫生检测或者评价结果符合卫生标准',
  ],
  materials: [
    { id: 'application-form', fromForm: true, name: '公共场所卫生许可申请表', required: true, fetchable: false, form: 'electronic', description: '在线填报后自动生成' },
    { id: 'business-licence', name: '营业执照', required: true, fetchable: true, fetch: { certificateType: 'business_licence', dataset: '福州市市场监督管理局 电子营业执照', checks: [{ form: 'creditCode', record: 'creditCode', label: '统一社会信用代码' }, { form: 'unitName', record: 'name', label: '单位名称' }] }, form: 'electronic', description: '从电子证照库自动调取' },
    { id: 'floor-plan', name: '公共场所地址方位示意图、平面图和卫生设施平面布局图', required: true, fetchable: false, form: 'copy', description: '标明卫生设施位置' },
    { id: 'hygiene-test-report', name: '公共场所卫生检测或者评价报告', required: true, fetchable: false, form: 'copy', description: '具备资质的检测机构出具' },
    { id: 'hygiene-rules', name: '公共场所卫生管理制度', required: true, fetchable: false, form: 'copy', description: '加盖公章' },
  ],
  processSteps: [
    { name: '申请', description: '在线填报并上传材料' },
    { name: '受理', description: '卫生健康部门审查材料', workingDays: 1 },
    { name: '现场审查', description: '对经营场所进行现场卫生审查', workingDays: 5 },
    { name: '决定', description: '作出许可决定并核发电子证照', workingDays: 2 },
  ],
  statutoryDays: 20,
  promisedDays: 8,
  acceptanceDays: 1,
  fee: { charged: false, basis: '不收费' },
  handling: { online: true, hall: true, maxVisits: 0, halls: [HALL] },
  result: { type: 'public_place_hygiene_licence', name: '公共场所卫生许可证', sample: '/samples/public-place-hygiene-licence.pdf' },
  consultationPhone: '0591-12345',
  complaintPhone: '0591-12320',
  faqs: [{ question: '哪些场所需要办理？', answer: '宾馆、旅店、公共浴室、美容美发店、游泳场所等八类公共场所。' }],
  rightsAndRemedies: commonRights,
  flags: ['online', 'mobile'],
  form: z
    .object({
      unitName: z.string().trim().min(2).max(60).describe('单位名称'),
      creditCode: unifiedSocialCreditCode,
      legalRepresentative: personName.describe('法定代表人'),
      placeAddress: address.describe('场所地址'),
      placeCategory: z.enum(['住宿场所', '沐浴场所', '美容美发场所', '游泳场所', '文化娱乐场所', '商场（店）', '候车（机、船）室']).describe('场所类别'),
      floorAreaSqm: z.number().positive().max(1_000_000).describe('营业面积（平方米）'),
      staffCount: z.number().int().min(1).max(100_000).describe('从业人员数'),
      staffWithHealthCertificate: z.number().int().min(0).describe('持健康合格证明人数'),
      phone: mobilePhone,
    })
    .strict()
    .refine((f) => f.staffWithHealthCertificate <= f.staffCount, {
      message: '持证人数不能多于从业人员数',
      path: ['staffWithHealthCertificate'],
    }),
  formExample: {
    unitName: '福州榕城悦居酒店有限公司',
    creditCode: '91350105MA2Y7P3D8A',
    legalRepresentative: '黄志强',
    placeAddress: '福州市马尾区江滨东大道 108 号',
    placeCategory: '住宿场所',
    floorAreaSqm: 3200,
    staffCount: 45,
    staffWithHealthCertificate: 45,
    phone: '13959102233',
  },
};

const residencePermit: CatalogItem = {
  code: 'residence-permit-endorsement',
  version: 1,
  name: '居住证签注',
  basicCode: '000216005000',
  implementationCode: '11350100003591096X300021600500001',
  itemType: 'public_service',
  department: DEPARTMENTS.police,
  coDepartments: [],
  legalBasis: ['《居住证暂行条例》第十三条'],
  acceptanceConditions: ['持有本市居住证', '在居住地连续居住', '居住证有效期满前一个月内申请签注'],
  materials: [
    { id: 'id-card', name: '居民身份证', required: true, fetchable: true, fetch: { dataset: '福建省公安厅 居民身份证电子证照', checks: [{ form: 'name', record: 'name', label: '姓名' }, { form: 'idNumber', record: 'idNumber', label: '公民身份号码' }] }, form: 'electronic', description: '从电子证照库调取' },
    { id: 'residence-proof', name: '居住地住址证明', required: true, fetchable: false, form: 'copy', description: '房屋租赁合同、房屋产权证明或单位出具的住宿证明' },
    { id: 'employment-proof', name: '就业、就读证明', required: false, fetchable: false, form: 'copy', description: '以就业、就读为由申请的提交' },
  ],
  processSteps: [
    { name: '申请', description: '在线提交' },
    { name: '审核', description: '派出所审核', workingDays: 2 },
    { name: '签注', description: '完成电子签注', workingDays: 1 },
  ],
  statutoryDays: 15,
  promisedDays: 3,
  acceptanceDays: 1,
  fee: { charged: false, basis: '不收费' },
  handling: { online: true, hall: true, maxVisits: 0, halls: ['居住地派出所户籍窗口'] },
  result: { type: 'residence_permit_endorsement', name: '居住证签注', sample: '/samples/residence-permit-endorsement.pdf' },
  consultationPhone: '0591-110',
  complaintPhone: '0591-12345',
  faqs: [{ question: '签注后有效期多久？', answer: '每签注一次，居住证有效期延长一年。' }],
  rightsAndRemedies: commonRights,
  flags: ['online', 'mobile', 'nearby', 'no_certificate'],
  form: z
    .object({
      name: personName.describe('姓名'),
      idNumber: residentIdNumber,
      permitNumber: z.string().regex(/^\d{18}[\dX]?$/, '居住证号码为 18 或 19 位').describe('居住证号码'),
      residenceAddress: address.describe('居住地址'),
      reason: z.enum(['就业', '就读', '居住']).describe('居住事由'),
      phone: mobilePhone,
    })
    .strict(),
  formExample: {
    name: '王建国',
    idNumber: '350121196503081522',
    permitNumber: '350102202201005678',
    residenceAddress: '福州市台江区上下杭路 12 号 3 单元 501 室',
    reason: '就业',
    phone: '15880012345',
  },
};

const pensionClaim: CatalogItem = {
  code: 'basic-pension-claim',
  version: 1,
  name: '城镇职工基本养老保险待遇申领',
  basicCode: '000224007000',
  implementationCode: '11350100003591053R300022400700001',
  itemType: 'benefit',
  department: DEPARTMENTS.hrss,
  coDepartments: [],
  legalBasis: ['《中华人民共和国社会保险法》第十六条', '《国务院关于完善企业职工基本养老保险制度的决定》'],
  acceptanceConditions: ['达到法定退休年龄', '累计缴费满十五年', '已办理退休审批'],
  materials: [
    { id: 'id-card', name: '居民身份证', required: true, fetchable: true, fetch: { dataset: '福建省公安厅 居民身份证电子证照', checks: [{ form: 'name', record: 'name', label: '姓名' }, { form: 'idNumber', record: 'idNumber', label: '公民身份号码' }] }, form: 'electronic', description: '从电子证照库调取' },
    { id: 'bank-card', name: '社会保障卡或本人银行账户信息', required: true, fetchable: false, form: 'copy', description: '待遇发放账户' },
    { id: 'retirement-approval', name: '退休审批表', required: false, fetchable: true, fetch: { dataset: '福州市人力资源和社会保障局 退休审批信息' }, form: 'electronic', description: '由社保系统共享，无需提交' },
  ],
  processSteps: [
    { name: '申请', description: '参保人在线申领' },
    { name: '受理', description: '社保经办机构受理', workingDays: 1 },
    { name: '审核', description: '核定缴费年限与待遇标准', workingDays: 5 },
    { name: '发放', description: '核定待遇并次月起发放', workingDays: 2 },
  ],
  statutoryDays: 20,
  promisedDays: 10,
  acceptanceDays: 2,
  fee: { charged: false, basis: '不收费' },
  handling: { online: true, hall: true, maxVisits: 0, halls: [HALL, '各区社会保险经办窗口'] },
  result: { type: 'pension_entitlement', name: '基本养老金待遇核定表', sample: '/samples/pension-entitlement.pdf' },
  // 社会保险业务档案: kept for good (100 years here).
  archiveYears: 100,
  consultationPhone: '0591-12333',
  complaintPhone: '0591-12345',
  faqs: [{ question: '待遇从什么时候开始发放？', answer: '从办理退休手续的次月起按月发放。' }],
  rightsAndRemedies: commonRights,
  flags: ['online', 'mobile', 'province_wide', 'assisted'],
  form: z
    .object({
      name: personName.describe('姓名'),
      idNumber: residentIdNumber.describe('社会保障号码（居民身份证号码）'),
      insuredPlace: z.string().trim().min(2).max(40).describe('参保地'),
      retirementType: z.enum(['正常退休', '特殊工种提前退休', '因病提前退休']).describe('退休类别'),
      bankName: z.string().trim().min(2).max(40).describe('待遇发放银行'),
      bankAccount: z.string().regex(/^\d{12,19}$/, '银行账号为 12 至 19 位数字').describe('银行账号'),
      phone: mobilePhone,
    })
    .strict(),
  formExample: {
    name: '林秀英',
    idNumber: '350103199202144527',
    insuredPlace: '福州市本级',
    retirementType: '正常退休',
    bankName: '中国工商银行福州鼓楼支行',
    bankAccount: '6222021402004567890',
    phone: '13706912468',
  },
};

const planningPermit: CatalogItem = {
  code: 'construction-planning-permit',
  version: 1,
  name: '建设工程规划许可证核发',
  basicCode: '000143003000',
  implementationCode: '11350100MB1W0932XN300014300300001',
  itemType: 'licensing',
  department: DEPARTMENTS.planning,
  coDepartments: [DEPARTMENTS.housing, DEPARTMENTS.civilDefence],
  legalBasis: ['《中华人民共和国城乡规划法》第四十条', '《福建省实施〈中华人民共和国城乡规划法〉办法》'],
  acceptanceConditions: ['已取得建设用地规划许可证或不动产权证', '建设工程设计方案符合控制性详细规划和规划条件'],
  materials: [
    { id: 'application-form', fromForm: true, name: '建设工程规划许可申请表', required: true, fetchable: false, form: 'electronic', description: '在线填报后自动生成' },
    { id: 'land-certificate', name: '不动产权证书或建设用地规划许可证', required: true, fetchable: true, fetch: { dataset: '福州市自然资源和规划局 不动产登记信息', checks: [{ form: 'developer', record: 'rightHolder', label: '建设单位' }] }, form: 'electronic', description: '从电子证照库调取' },
    { id: 'design-scheme', name: '建设工程设计方案（总平面图、各层平面图、立面图、剖面图）', required: true, fetchable: false, form: 'electronic', description: 'PDF 或 OFD 格式，加盖设计单位出图章' },
    { id: 'civil-defence-plan', name: '人防工程设计文件', required: true, fetchable: false, form: 'electronic', description: '结合民用建筑修建防空地下室的提交' },
    { id: 'fire-design', name: '消防设计文件', required: true, fetchable: false, form: 'electronic', description: '由住建部门同步审查' },
  ],
  processSteps: [
    { name: '申请', description: '建设单位在线申报' },
    { name: '受理', description: '自然资源和规划局（主办）受理', workingDays: 1 },
    { name: '并联审查', description: '住建局审查消防设计、人防办审查人防设计，同步出具意见', workingDays: 5 },
    { name: '决定', description: '主办部门汇总意见后作出许可决定', workingDays: 2 },
    { name: '发证', description: '核发电子建设工程规划许可证', workingDays: 1 },
  ],
  statutoryDays: 20,
  promisedDays: 10,
  acceptanceDays: 2,
  opinionDays: 5,
  fee: { charged: false, basis: '不收费' },
  handling: { online: true, hall: true, maxVisits: 1, halls: [HALL] },
  result: { type: 'construction_planning_permit', name: '建设工程规划许可证', sample: '/samples/construction-planning-permit.pdf' },
  // 城建档案: kept for the life of the building; a century here.
  archiveYears: 100,
  // 并联审批: 人防办's opinion on the civil-defence basement is issued as its own e-document, released with the permit.
  jointResults: [{ type: 'civil_defence_approval', name: '结合民用建筑修建防空地下室审批意见书', issuer: DEPARTMENTS.civilDefence }],
  consultationPhone: '0591-12345',
  complaintPhone: '0591-12345',
  faqs: [{ question: '协办部门的意见会单独要求补材料吗？', answer: '不会。申请人一次提交，主办部门统一告知，协办部门共享同一套材料。' }],
  rightsAndRemedies: commonRights,
  flags: ['online', 'assisted'],
  form: z
    .object({
      developer: z.string().trim().min(2).max(80).describe('建设单位'),
      creditCode: unifiedSocialCreditCode,
      projectName: z.string().trim().min(2).max(100).describe('项目名称'),
      projectCode: z.string().regex(/^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/, '投资项目统一代码格式如 2026-350100-47-01-123456').describe('投资项目统一代码'),
      location: address.describe('建设位置'),
      landAreaSqm: z.number().positive().describe('用地面积（平方米）'),
      floorAreaSqm: z.number().positive().describe('总建筑面积（平方米）'),
      hasBasement: z.boolean().describe('是否建设地下室'),
      contactName: personName.describe('联系人'),
      phone: mobilePhone,
    })
    .strict(),
  formExample: {
    developer: '福州市城市建设投资集团有限公司',
    creditCode: '12350100488099231E',
    projectName: '仓山区城门镇安置房三期工程',
    projectCode: '2026-350104-47-01-503218',
    location: '福州市仓山区城门镇清富村地块',
    landAreaSqm: 28650,
    floorAreaSqm: 96400,
    hasBasement: true,
    contactName: '郑建华',
    phone: '13860601234',
  },
};

export const CATALOG: readonly CatalogItem[] = [
  foodBusiness,
  individualBusiness,
  publicPlaceHygiene,
  residencePermit,
  pensionClaim,
  planningPermit,
];
